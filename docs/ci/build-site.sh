#!/bin/sh
# Build an srm-docs site in any CI system or cron job, keeping the build cache between runs,
# then publish the folder to any static web server or object store.
#
#   docs/ci/build-site.sh [SITE_DIR]        (default: the current folder)
#
# Environment:
#   SRM_DOCS     the srm-docs binary (default: `srm-docs` on PATH; install it once with
#                `cargo install --path <srm-docs checkout> --locked`)
#   OUTPUT_DIR   where the site is written (default: SITE_DIR/public)
#   BASE_URL     the public URL of the site, e.g. https://kb.example.com/docs/ (default: the
#                `base_url` of srm-docs.toml)
#   CHECK_ONLY=1 only validate (for merge requests): nothing is written
#
# What the CI system must keep between runs: SITE_DIR/.srm-cache (the build cache; losing it
# only makes the next build a cold one). Exit codes are srm-docs' own: 0 built, 1 the content
# has errors (nothing written, the previous output left untouched), 2 usage or configuration
# error. `set -e` makes the script stop at the first failing step with that code.
set -eu

site=${1:-.}
srm=${SRM_DOCS:-srm-docs}
out=${OUTPUT_DIR:-$site/public}

if [ "${CHECK_ONLY:-0}" = 1 ]; then
    "$srm" check --root "$site"
    exit 0
fi

# `build` runs every check `check` runs and writes nothing when one fails.
if [ -n "${BASE_URL:-}" ]; then
    "$srm" build --root "$site" --output "$out" --base-url "$BASE_URL"
else
    "$srm" build --root "$site" --output "$out"
fi

# Publish: uncomment the line for your host (the trailing slash on "$out/" matters to rsync).
# Pages that no longer exist are removed from the destination by --delete.
#
# Any static web server over SSH:
#   rsync -az --delete "$out/" deploy@www.example.com:/srv/www/kb/
# An S3 bucket (or any S3-compatible object store with --endpoint-url):
#   aws s3 sync "$out/" s3://kb-example-bucket/ --delete
# Azure Blob Storage static website:
#   az storage blob sync --account-name kbexample --container '$web' --source "$out"
# Google Cloud Storage:
#   gcloud storage rsync --recursive --delete-unmatched-destination-objects "$out" gs://kb-example-bucket
