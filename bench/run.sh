#!/usr/bin/env bash
# Benchmark harness for srm-docs.
#
#   bench/run.sh [SIZE...]          default sizes: 1000 10000   (e.g. bench/run.sh 1000 10000 100000)
#
# For each size: generate (or reuse) a synthetic corpus in $SRM_BENCH_DIR/<n> with
# bench/gen_corpus.py, run `srm-docs check` once (must report 0 errors), then $RUNS cold
# builds (fresh --output dir, no .srm-cache) measured with GNU time (wall, user+sys CPU,
# peak RSS); if `srm-docs build --help` offers --cache-dir, also one priming build, $RUNS
# warm builds that keep the cache and the output folder, and $RUNS such builds with one
# article changed before each. Prints a Markdown table and the machine description.
#
# Environment: RUNS (default 5), SRM_BENCH_DIR (default /tmp/srm-bench), SEED (default 42),
#              CHECK=0 to skip the `check` pass, KEEP_OUTPUT=1 to keep the last output dir,
#              SRM_BIN=path to time an existing binary instead of running `cargo build --release`,
#              QUIET_MAX (default 15) / QUIET_WAIT (default 600): before each run, wait up to
#              QUIET_WAIT s until other processes use less than QUIET_MAX % of the CPUs.
#              ZOLA=path to a Zola binary (e.g. ZOLA=$(../shared/bench/peer-zola)), HUGO=path
#              (default: `hugo` when installed; HUGO=none skips it): each peer builds the same
#              articles (bench/peers.py wraps the corpus for it), its cold builds alternated
#              with srm-docs' own, and the report gives srm-docs/peer ratios from this run.
# Needs: cargo, python3 (3.11, stdlib only), GNU time at /usr/bin/time (Debian package `time`),
#        and free disk for every run's output, kept until the end (~3 GB for 1000 10000).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
RUNS=${RUNS:-5}
WORK=${SRM_BENCH_DIR:-/tmp/srm-bench}
SEED=${SEED:-42}
CHECK=${CHECK:-1}
KEEP_OUTPUT=${KEEP_OUTPUT:-0}
GEN="$HERE/gen_corpus.py"
TIME=/usr/bin/time

if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/run.sh [SIZE...]  (positive integers, got '$n')" >&2; exit 2; }
done

if ! [ -x "$TIME" ] || ! "$TIME" -f '%e' true >/dev/null 2>&1; then
    echo "error: GNU time is missing at $TIME; install the Debian package \`time\` (apt-get install time)" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "error: python3 is required" >&2; exit 2; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- build the binary
if [ -n "${SRM_BIN:-}" ]; then
    BIN=$SRM_BIN
    log "using SRM_BIN=$BIN (no cargo build)"
else
    log "cargo build --release (in $REPO)"
    (cd "$REPO" && cargo build --release --quiet) || { echo "error: cargo build --release failed" >&2; exit 2; }
    BIN="$REPO/target/release/srm-docs"
fi
[ -x "$BIN" ] || { echo "error: $BIN not found after cargo build" >&2; exit 2; }
# Time a private copy: other people rebuilding target/release mid-benchmark must not change
# the binary between runs.
mkdir -p "$WORK/bin"
SNAP="$WORK/bin/srm-docs-$(sha256sum "$BIN" | cut -c1-12)"
[ -x "$SNAP" ] || cp "$BIN" "$SNAP"
BIN_ORIG=$BIN
BIN=$SNAP
HAS_CACHE=0
if "$BIN" build --help 2>/dev/null | grep -q -- '--cache-dir'; then HAS_CACHE=1; fi
log "binary: $BIN (copy of $BIN_ORIG; $("$BIN" --version 2>/dev/null || echo '?')); --cache-dir supported: $([ $HAS_CACHE = 1 ] && echo yes || echo no)"

# The corpus depends on the generator, the bundled dataset it copies and the seed.
GEN_HASH=$(cat "$GEN" "$REPO"/content/data/*.yaml | sha256sum | cut -c1-16)-seed$SEED
mkdir -p "$WORK"

# ---------------------------------------------------------------- helpers
median() { sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

# Share of the machine's CPU busy (percent) over 2 s, taken while srm-docs is not running:
# other processes (compiles, tests) on the same machine distort the timings.
cpu_busy() {
    local a b
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    sleep 2
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); t=y[2]-x[2]; printf "%.0f\n", (t>0 ? 100*(y[1]-x[1])/t : 0)}'
}

# Waits (up to QUIET_WAIT seconds, default 600) until the machine is quiet (< QUIET_MAX %
# busy, default 15); prints the busy share measured last.
wait_quiet() {
    local waited=0 busy
    busy=$(cpu_busy)
    while [ "$busy" -ge "${QUIET_MAX:-15}" ] && [ "$waited" -lt "${QUIET_WAIT:-600}" ]; do
        [ $((waited % 60)) = 0 ] && log "machine busy (${busy}% CPU used by other processes); waiting for it to settle"
        sleep 8; waited=$((waited + 10))
        busy=$(cpu_busy)
    done
    echo "$busy"
}

# time_build OUT TIMEFILE ERRFILE [extra args...]: one measured build; returns srm-docs' exit code.
time_build() {
    local out=$1 tf=$2 ef=$3; shift 3
    local j0 j1 rc
    j0=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    set +e
    "$TIME" -f '%e %U %S %M' -o "$tf" "$BIN" build --root "$CORPUS" --output "$out" "$@" 2>"$ef" >/dev/null
    rc=$?
    set -e
    j1=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    echo "$((j1 - j0))" >"$tf.jiffies"   # whole-machine busy time during the run, 1/100 s
    return $rc
}

# Outputs are deleted only when the harness ends, never between runs: on ext4, creating
# thousands of files within minutes of deleting thousands of others is markedly slower (the
# inode allocator scans past recently freed inodes), which would time an earlier clean-up
# rather than the build. Outputs left by an earlier invocation are moved aside now and
# deleted at the end too.
if [ -d "$WORK/out" ]; then mv "$WORK/out" "$WORK/trash-$$"; fi
cleanup_outputs() {
    rm -rf "$WORK"/trash-*
    if [ "$KEEP_OUTPUT" = 1 ]; then
        find "$WORK/out" -mindepth 1 -maxdepth 1 -type d ! -name "*-cold-$RUNS" -exec rm -rf {} +
    else
        rm -rf "$WORK/out"
    fi
}

RESULTS=$(mktemp)     # lines: size mode wall cpu rss_kib pages busy%_before other%_during
FAILURES=$(mktemp)
KILLED=$(mktemp)
EDITED=   # the article the warm-edit runs change, restored on exit
trap 'rm -f "$RESULTS" "$FAILURES" "$KILLED"; [ -z "$EDITED" ] || cp "$WORK/edited.md.orig" "$EDITED"; cleanup_outputs' EXIT

# run_series SIZE MODE COUNT [extra build args...]; FIRST (default 1) numbers the first run.
run_series() {
    local n=$1 mode=$2 count=$3; shift 3
    local i out tf ef pages wall user sys rss cpu busy other attempt
    for i in $(seq "${FIRST:-1}" $(( ${FIRST:-1} + count - 1 ))); do
        out="${SAME_OUT:-$WORK/out/$n-$mode-$i}"
        if [ -n "${EDIT:-}" ]; then printf '\nEdited for warm run %s.\n' "$i" >>"$EDIT"; fi
        mkdir -p "$WORK/out"
        tf="$WORK/out/time.txt"; ef="$WORK/out/stderr-$n-$mode-$i.txt"
        local rc=0
        for attempt in 1 2 3; do
            [ -n "${SAME_OUT:-}" ] || rm -rf "$out"
            if [ "$mode" = cold ]; then rm -rf "$CORPUS/.srm-cache" "$(dirname "$out")/.srm-cache"; fi
            busy=$(wait_quiet)
            rc=0
            time_build "$out" "$tf" "$ef" "$@" || rc=$?
            # Killed by a signal from outside (exit 128+n, e.g. 143 = SIGTERM): not a result; retry.
            [ $rc -gt 128 ] && [ $attempt -lt 3 ] || break
            log "$mode build $i of $n articles was killed by signal $((rc - 128)) (exit $rc) from outside; retrying"
            echo "- $n articles, $mode build $i: killed by signal $((rc - 128)) (exit $rc) from outside the harness, retried" >>"$KILLED"
        done
        if [ $rc -ne 0 ]; then
            log "FAILED: $mode build $i of $n articles (exit $rc); last lines of stderr:"
            tail -n 20 "$ef" >&2
            { echo "### $n articles, $mode build $i"; echo '```'; tail -n 40 "$ef"; echo '```'; } >>"$FAILURES"
            return 1
        fi
        pages=$(find "$out" -name '*.html' -type f | wc -l)
        read -r wall user sys rss <"$tf"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
        # CPU used by other processes during the run, as a share of all CPUs.
        other=$(awk -v j="$(cat "$tf.jiffies")" -v c="$cpu" -v w="$wall" -v p="$(nproc)" 'BEGIN{o=(j/100-c)/(p*w)*100; if (o<0) o=0; printf "%.0f", o}')
        echo "$n $mode $wall $cpu $rss $pages $busy $other" >>"$RESULTS"
        log "$n $mode #$i: wall ${wall}s cpu ${cpu}s rss $((rss / 1024)) MiB, $pages html files (other load before/during: ${busy}%/${other}%); srm-docs: $(grep -E '^built ' "$ef" | tail -1 || true)"
    done
}

# ---------------------------------------------------------------- peers
PEERS=()
[ -n "${ZOLA:-}" ] && { [ -x "$ZOLA" ] || { echo "error: ZOLA=$ZOLA is not executable" >&2; exit 2; }; PEERS+=(zola); }
if [ "${HUGO:-}" != none ]; then
    HUGO=${HUGO:-$(command -v hugo || true)}
    [ -n "$HUGO" ] && PEERS+=(hugo)
fi
peer_version() { case $1 in zola) "$ZOLA" --version;; hugo) "$HUGO" version | cut -d' ' -f1-2;; esac; }

# peer_run SIZE TOOL I: one cold build by a peer of the same articles, recorded like ours.
peer_run() {
    local n=$1 tool=$2 i=$3 site="$WORK/$1-$2" out="$WORK/out/$1-$2-$3"
    local tf="$WORK/out/time.txt" ef="$WORK/out/stderr-$1-$2-$3.txt" busy rc=0 j0 j1
    [ -d "$site" ] || python3 "$HERE/peers.py" --corpus "$CORPUS" --tool "$tool" --out "$site"
    rm -rf "$out" "$site/public"
    busy=$(wait_quiet)
    j0=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    case $tool in
        zola) (cd "$site" && "$TIME" -f '%e %U %S %M' -o "$tf" "$ZOLA" build -o "$out") >/dev/null 2>"$ef" || rc=$?;;
        hugo) (cd "$site" && "$TIME" -f '%e %U %S %M' -o "$tf" "$HUGO" -d "$out") >/dev/null 2>"$ef" || rc=$?;;
    esac
    j1=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
    if [ $rc -ne 0 ]; then
        log "FAILED: $tool build $i of $n articles (exit $rc)"; tail -n 20 "$ef" >&2
        { echo "### $n articles, $tool build $i"; echo '```'; tail -n 40 "$ef"; echo '```'; } >>"$FAILURES"
        return 1
    fi
    local wall user sys rss pages cpu other
    read -r wall user sys rss <"$tf"
    pages=$(find "$out" -name '*.html' -type f | wc -l)
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
    other=$(awk -v j="$((j1 - j0))" -v c="$cpu" -v w="$wall" -v p="$(nproc)" 'BEGIN{o=(j/100-c)/(p*w)*100; if (o<0) o=0; printf "%.0f", o}')
    echo "$n $tool $wall $cpu $rss $pages $busy $other" >>"$RESULTS"
    log "$n $tool #$i: wall ${wall}s cpu ${cpu}s rss $((rss / 1024)) MiB, $pages html files"
}

# ---------------------------------------------------------------- per size
for n in "${SIZES[@]}"; do
    CORPUS="$WORK/$n"
    if [ -f "$CORPUS/.gen-hash" ] && [ "$(cat "$CORPUS/.gen-hash")" = "$GEN_HASH" ]; then
        log "reusing corpus $CORPUS (generator hash $GEN_HASH)"
    else
        log "generating $n articles into $CORPUS"
        rm -rf "$CORPUS" "$CORPUS.tmp" "$WORK/$n-zola" "$WORK/$n-hugo"
        "$TIME" -f '%e' -o "$WORK/gen-time-$n.txt" python3 "$GEN" --articles "$n" --out "$CORPUS.tmp" --seed "$SEED"
        echo "$GEN_HASH" >"$CORPUS.tmp/.gen-hash"
        mv "$CORPUS.tmp" "$CORPUS"
        log "generated in $(cat "$WORK/gen-time-$n.txt") s"
    fi
    log "corpus: $(du -sh "$CORPUS/content/articles" | cut -f1) of Markdown"

    if [ "$CHECK" = 1 ]; then
        for attempt in 1 2 3; do
            rc=0
            "$BIN" check --root "$CORPUS" 2>"$WORK/check-$n.txt" || rc=$?
            [ $rc -gt 128 ] && [ $attempt -lt 3 ] || break
            log "check of $n articles was killed by signal $((rc - 128)) from outside; retrying"
            echo "- $n articles, check: killed by signal $((rc - 128)) (exit $rc) from outside the harness, retried" >>"$KILLED"
        done
        summary=$(grep -E '^checked ' "$WORK/check-$n.txt" | tail -1 || true)
        log "check: ${summary:-no summary line} (exit $rc)"
        if [ $rc -ne 0 ]; then
            tail -n 20 "$WORK/check-$n.txt" >&2
            { echo "### $n articles, check (exit $rc)"; echo '```'; tail -n 40 "$WORK/check-$n.txt"; echo '```'; } >>"$FAILURES"
        fi
    fi

    log "$RUNS cold builds of $n articles${PEERS[*]:+, alternated with ${PEERS[*]}}"
    for i in $(seq 1 "$RUNS"); do
        FIRST=$i run_series "$n" cold 1 || continue 2
        for tool in "${PEERS[@]}"; do peer_run "$n" "$tool" "$i" || true; done
    done
    if [ $HAS_CACHE = 1 ]; then
        cache="$WORK/cache-$n"
        rm -rf "$cache"
        # Warm builds rebuild into the same output folder, as a user's rebuild does.
        export SAME_OUT="$WORK/out/$n-warm"
        log "priming build with --cache-dir $cache (not counted)"
        run_series "$n" prime 1 --cache-dir "$cache" || { unset SAME_OUT; continue; }
        log "$RUNS warm builds of $n articles (cache and output kept)"
        run_series "$n" warm "$RUNS" --cache-dir "$cache" || { unset SAME_OUT; continue; }
        # One article edited before each run (a paragraph appended), then restored.
        # (awk reads to the end: `head -1` would end the pipe early, and `sort`'s SIGPIPE
        # would stop the whole script under `set -o pipefail` on a large corpus.)
        edited=$(find "$CORPUS/content/articles" -name '*.md' | sort | awk 'NR == 1')
        cp "$edited" "$WORK/edited.md.orig"; EDITED=$edited
        log "$RUNS warm builds of $n articles with one article changed ($edited)"
        EDIT=$edited run_series "$n" warm-edit "$RUNS" --cache-dir "$cache" || true
        cp "$WORK/edited.md.orig" "$edited"; EDITED=
        unset SAME_OUT
    fi
    # The caches are rebuilt by every invocation; do not leave gigabytes behind (100k: ~2 GB each).
    rm -rf "$CORPUS/.srm-cache" "$WORK/cache-$n"
done

# ---------------------------------------------------------------- report
med() { # med SIZE MODE COLUMN -> median
    awk -v n="$1" -v m="$2" -v c="$3" '$1==n && $2==m {print $c}' "$RESULTS" | median
}
count() { awk -v n="$1" -v m="$2" '$1==n && $2==m' "$RESULTS" | wc -l; }

{
echo
echo "## srm-docs benchmark"
echo
echo "Machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/{print $2}') GiB RAM (free -g total); $(uname -sr)"
if [ -n "${SRM_BIN:-}" ]; then built="given as SRM_BIN"; else
    built="built from commit $(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && git diff --quiet 2>/dev/null || echo ' + uncommitted changes')"; fi
echo "Binary: $BIN ($("$BIN" --version 2>/dev/null || echo srm-docs), $built); corpus generator hash $GEN_HASH"
echo "Cold = fresh output folder, no .srm-cache; warm = same --cache-dir and output folder kept across runs after one priming build; warm-edit = the same with one article changed before each run. OS page cache not dropped. Medians of $RUNS runs."
echo "\"Other load\" = CPU time used by other processes while srm-docs ran, as a share of all CPUs (before each run the harness waits for < ${QUIET_MAX:-15} % for up to ${QUIET_WAIT:-600} s)."
echo
echo "| articles | mode | runs | median wall (s) | median CPU user+sys (s) | CPU/wall | HTML pages | pages/s | median peak RSS (MiB) | min–max wall (s) | other load during runs (max %) |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
    for mode in cold warm warm-edit "${PEERS[@]}"; do
        c=$(count "$n" "$mode")
        [ "$c" -gt 0 ] || continue
        wall=$(med "$n" "$mode" 3); cpu=$(med "$n" "$mode" 4); rss=$(med "$n" "$mode" 5); pages=$(med "$n" "$mode" 6)
        busy=$(awk -v n="$n" -v m="$mode" '$1==n && $2==m {print $8}' "$RESULTS" | sort -g | tail -1)
        range=$(awk -v n="$n" -v m="$mode" '$1==n && $2==m {print $3}' "$RESULTS" | sort -g | awk 'NR==1{a=$1} {b=$1} END{printf "%.2f–%.2f", a, b}')
        awk -v n="$n" -v m="$mode" -v c="$c" -v w="$wall" -v u="$cpu" -v r="$rss" -v p="$pages" -v b="$busy" -v g="$range" 'BEGIN{
            printf "| %d | %s | %d | %.2f | %.2f | %.2f | %d | %.0f | %.0f | %s | %d |\n", n, m, c, w, u, (w>0?u/w:0), p, (w>0?p/w:0), r/1024, g, b }'
    done
done
echo
w1k=$(med 1000 cold 3); w10k=$(med 10000 cold 3); r10k=$(med 10000 cold 5)
if [ "$w1k" != nan ] && [ "$w10k" != nan ]; then
    awk -v a="$w1k" -v b="$w10k" 'BEGIN{printf "Scaling: 10k/1k median cold wall time = %.2f (10x the articles; 10.0 = linear)\n", b/a}'
fi
first=${SIZES[0]}; wf=$(med "$first" cold 3)
for n in "${SIZES[@]}"; do
    [ "$n" = "$first" ] && continue
    wn=$(med "$n" cold 3)
    [ "$wn" != nan ] && [ "$wf" != nan ] && awk -v a="$wf" -v b="$wn" -v n="$n" -v f="$first" 'BEGIN{printf "Scaling: %d/%d articles: wall x%.2f for x%.1f the articles\n", n, f, b/a, n/f}'
done
echo
for tool in "${PEERS[@]}"; do
    echo "Peer $tool: $(peer_version "$tool"), the same articles (bench/peers.py), cold builds alternated with srm-docs' in this run:"
    for n in "${SIZES[@]}"; do
        ws=$(med "$n" cold 3); wp=$(med "$n" "$tool" 3); rs=$(med "$n" cold 5); rp=$(med "$n" "$tool" 5)
        [ "$ws" != nan ] && [ "$wp" != nan ] && awk -v n="$n" -v t="$tool" -v a="$ws" -v b="$wp" -v c="$rs" -v d="$rp" \
            'BEGIN{printf "  %d articles: srm-docs/%s wall %.2f (%.2f s / %.2f s), peak memory %.2f (%.0f / %.0f MiB)\n", n, t, a/b, a, b, c/d, c/1024, d/1024}'
        for mode in warm warm-edit; do
            wm=$(med "$n" "$mode" 3)
            [ "$wm" != nan ] && [ "$wp" != nan ] && awk -v n="$n" -v t="$tool" -v m="$mode" -v a="$wm" -v b="$wp" \
                'BEGIN{printf "  %d articles: srm-docs %s / %s cold wall %.3f (%.2f s / %.2f s)\n", n, m, t, a/b, a, b}'
        done
    done
done
[ ${#PEERS[@]} = 0 ] && echo "No peer measured (set ZOLA=path, install hugo)."
if [ -s "$KILLED" ]; then
    echo
    echo "Runs killed from outside and retried:"
    cat "$KILLED"
fi
if [ -s "$FAILURES" ]; then
    echo
    echo "## Failures"
    cat "$FAILURES"
fi
} | tee "$WORK/last-results.md"

[ -s "$FAILURES" ] && exit 1
exit 0
