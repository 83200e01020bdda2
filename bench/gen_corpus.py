#!/usr/bin/env python3
"""Deterministic synthetic corpus for benchmarking srm-docs.

    python3 bench/gen_corpus.py --articles N --out DIR [--seed S]

Writes DIR/srm-docs.toml, copies the bundled responsibility dataset
(../content/data/*.yaml relative to this script) into DIR/content/data/, and writes N
articles DIR/content/articles/a-00001.md ... with YAML front matter and 5-10 KB of
Markdown each: ## and ### headings, cloud-security prose assembled from word lists, a GFM
table, bullet lists, 3-4 fenced code blocks (bash/aws cli, python/boto3, json/IAM policy),
one ASCII-art block without a language, scheme links to services and controls that exist
in the dataset, and now and then a relative link to another generated article.

The output is a pure function of (N, seed): the same arguments give byte-identical files.
Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
DATA_DIR = SCRIPT_DIR.parent / "content" / "data"

MIN_BYTES = 5 * 1024
MAX_BYTES = 10 * 1024

# --------------------------------------------------------------------------- vocabulary

TAGS = [
    "iaas", "paas", "saas", "serverless", "containers", "compute", "storage", "networking",
    "identity", "encryption", "logging", "compliance", "patching", "backup", "incident-response",
    "governance", "exam", "data-protection",
]

AUTHORS = ["srm-docs team", "A. Rivera", "K. Osei", "M. Lindqvist", "P. Natarajan", "J. Moreau"]

TITLE_FIRST = [
    "Who owns", "Securing", "Hardening", "Auditing", "Operating", "Understanding",
    "Getting right", "Automating", "Monitoring", "Reviewing", "Planning", "Testing",
]
TITLE_THING = [
    "encryption keys", "the guest operating system", "network boundaries", "access policies",
    "backups and recovery", "audit trails", "container images", "function permissions",
    "database patching", "secrets rotation", "data classification", "edge protection",
    "service configuration", "log retention", "identity federation", "storage durability",
]
TITLE_TAIL = [
    "on managed services", "in a multi-account estate", "for regulated workloads",
    "after a migration", "across Regions", "in practice", "step by step",
    "for small teams", "at scale", "without surprises", "under the shared model",
]

SUBJECTS = [
    "The customer", "AWS", "The platform team", "Each workload owner", "The security team",
    "An auditor", "The provider", "Every application team", "The account administrator",
    "A well-run landing zone", "The operations rota", "The data owner",
]
VERBS = [
    "remains accountable for", "configures", "reviews", "monitors", "documents", "enforces",
    "automates", "tests", "inherits", "delegates", "rotates", "encrypts", "restricts",
    "records", "verifies", "hardens", "patches", "classifies",
]
OBJECTS = [
    "the guest operating system", "every security group rule", "customer managed keys",
    "the bucket policy", "least-privilege roles", "the audit trail", "database engine upgrades",
    "the container image", "function execution roles", "cross-account access",
    "network access control lists", "backup schedules", "the data retention policy",
    "secrets in the parameter store", "the web application firewall rules",
    "multi-factor authentication", "the encryption scheme", "the VPC route tables",
    "the compliance evidence", "the incident runbook", "TLS certificates",
]
QUALIFIERS = [
    "before the first deployment", "as part of every release", "on a fixed schedule",
    "whenever the threat model changes", "with an automated check", "in every Region it uses",
    "under change control", "without relying on defaults", "for each environment",
    "after every incident review", "with evidence kept for auditors", "at the account level",
    "through infrastructure as code", "before data is classified", "in line with the matrix",
]
CONNECTORS = [
    "In practice,", "On managed platforms,", "For infrastructure services,", "By contrast,",
    "As a rule,", "In most estates,", "During an audit,", "For abstracted services,",
    "Over time,", "In the exam,", "After a migration,", "Even then,",
]
OBSERVATIONS = [
    "the line between provider and customer moves with the level of abstraction",
    "whatever the customer can configure, the customer must secure",
    "defaults help, but they are not a substitute for a decision",
    "a shared control always says what each party does",
    "the provider secures the cloud and the customer secures what it puts in it",
    "most incidents trace back to configuration rather than to the platform",
    "evidence of a control matters as much as the control itself",
    "the inherited controls are documented in the provider's audit reports",
    "least privilege is easier to keep than to restore",
    "encryption without key management is only half a control",
    "logs that nobody reads do not detect anything",
    "a backup that was never restored is a hope, not a plan",
]
HEADINGS_H2 = [
    "What the provider does", "What the customer does", "Where the line moves",
    "Configuration that matters", "Operating the control", "Evidence for auditors",
    "Common mistakes", "Automation", "Checklist", "Worked example", "Edge cases",
    "Monitoring and alerting", "Recovery", "Summary",
]
HEADINGS_H3 = [
    "Defaults", "Permissions", "Keys", "Network paths", "Logging", "Patching",
    "Ownership", "Exceptions", "Tooling", "Review cadence", "Escalation", "Costs",
]
LIST_ITEMS = [
    "Turn on the account-wide default and verify it in every Region",
    "Write down who approves exceptions and for how long",
    "Keep the policy in version control next to the workload",
    "Alert on changes to the control, not only on failures",
    "Rotate credentials on a schedule and after every departure",
    "Tag resources with an owner and a data classification",
    "Record the evidence an auditor will ask for",
    "Test the restore path, not only the backup job",
    "Prefer roles with temporary credentials over long-lived keys",
    "Block public access unless a review says otherwise",
    "Review the matrix row whenever the service category changes",
    "Separate duties between deployers and approvers",
    "Encrypt in transit with TLS 1.2 or later",
    "Keep an inventory of the services each account uses",
]
OWNERS = ["AWS", "Customer", "Shared"]

AWS_CLI = [
    ("ec2", "describe-instances --filters Name=instance-state-name,Values=running --query 'Reservations[].Instances[].InstanceId'"),
    ("ec2", "describe-security-groups --query 'SecurityGroups[?IpPermissions[?IpRanges[?CidrIp==`0.0.0.0/0`]]].GroupId'"),
    ("s3api", "put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"),
    ("s3api", "get-bucket-encryption --bucket {bucket}"),
    ("kms", "enable-key-rotation --key-id {key}"),
    ("kms", "describe-key --key-id {key} --query 'KeyMetadata.KeyManager'"),
    ("cloudtrail", "create-trail --name {name}-trail --s3-bucket-name {bucket} --is-multi-region-trail"),
    ("iam", "list-attached-role-policies --role-name {name}-role"),
    ("ssm", "send-command --document-name AWS-RunPatchBaseline --targets Key=tag:Owner,Values={name} --parameters Operation=Install"),
    ("rds", "modify-db-instance --db-instance-identifier {name}-db --auto-minor-version-upgrade --apply-immediately"),
    ("config", "describe-compliance-by-config-rule --compliance-types NON_COMPLIANT"),
    ("ec2", "enable-ebs-encryption-by-default --region {region}"),
]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2", "ca-central-1"]
NAMES = ["payments", "ledger", "catalog", "reports", "intake", "archive", "portal", "billing"]
IAM_ACTIONS = [
    "s3:GetObject", "s3:PutObject", "s3:ListBucket", "kms:Decrypt", "kms:GenerateDataKey",
    "dynamodb:GetItem", "dynamodb:Query", "logs:CreateLogStream", "logs:PutLogEvents",
    "secretsmanager:GetSecretValue", "ssm:GetParameter", "sqs:SendMessage",
]

# --------------------------------------------------------------------------- dataset ids

ID_RE = re.compile(r"^\s*- id: ([a-z0-9]+(?:-[a-z0-9]+)*)\s*$", re.MULTILINE)


def dataset_ids(data_dir: Path, name: str) -> list[str]:
    """Ids of the entries in data_dir/<name>.yaml (lines `  - id: x`)."""
    text = (data_dir / f"{name}.yaml").read_text(encoding="utf-8")
    ids = ID_RE.findall(text)
    if not ids:
        sys.exit(f"gen_corpus: no ids found in {data_dir / name}.yaml")
    return ids


# --------------------------------------------------------------------------- builders


class Article:
    def __init__(self, rng: random.Random, index: int, total: int, services: list[str], controls: list[str]):
        self.rng = rng
        self.index = index
        self.total = total
        self.services = services
        self.controls = controls

    # -- prose

    def link(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            sid = r.choice(self.services)
            return f"[{sid.replace('-', ' ')}](service:{sid})"
        cid = r.choice(self.controls)
        return f"[{cid.replace('-', ' ')}](control:{cid})"

    def sentence(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.45:
            s = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(QUALIFIERS)}."
        elif kind < 0.75:
            s = f"{r.choice(CONNECTORS)} {r.choice(OBSERVATIONS)}."
        else:
            s = f"On {self.link()}, {r.choice(SUBJECTS).lower()} {r.choice(VERBS)} {r.choice(OBJECTS)}."
        if r.random() < 0.25:
            s = s[:-1] + f", which is why {self.link()} deserves a review {r.choice(QUALIFIERS)}."
        return s

    def paragraph(self) -> str:
        r = self.rng
        sentences = [self.sentence() for _ in range(r.randint(3, 6))]
        if r.random() < 0.12 and self.total > 1:
            other = r.randint(1, self.total - 1)
            if other >= self.index:
                other += 1  # never the article itself
            sentences.append(f"See also [{r.choice(TITLE_THING)}]({article_name(other)}.md).")
        return " ".join(sentences)

    # -- blocks

    def bullet_list(self) -> str:
        r = self.rng
        items = r.sample(LIST_ITEMS, r.randint(3, 6))
        lines = []
        for item in items:
            if r.random() < 0.3:
                item += f" (see {self.link()})"
            lines.append(f"- {item}.")
        return "\n".join(lines)

    def table(self) -> str:
        r = self.rng
        rows = ["| Control | Owner | Evidence |", "|---|---|---|"]
        for cid in r.sample(self.controls, r.randint(3, 6)):
            rows.append(
                f"| [{cid}](control:{cid}) | {r.choice(OWNERS)} | {r.choice(QUALIFIERS).capitalize()} |"
            )
        return "\n".join(rows)

    def code_bash(self) -> str:
        r = self.rng
        lines = ["```bash", "#!/usr/bin/env bash", "set -euo pipefail", f"export AWS_REGION={r.choice(REGIONS)}"]
        for svc, args in r.sample(AWS_CLI, r.randint(2, 4)):
            lines.append(f"# {r.choice(LIST_ITEMS).lower()}")
            lines.append(f"aws {svc} " + args.format(**self.fill()))
        lines.append("```")
        return "\n".join(lines)

    def code_python(self) -> str:
        r = self.rng
        f = self.fill()
        return "\n".join([
            "```python",
            "import boto3",
            "",
            f'session = boto3.Session(region_name="{f["region"]}")',
            's3 = session.client("s3")',
            f'LOG_BUCKET = "{f["bucket"]}"',
            "",
            "",
            f"def check_{f['name']}_buckets():",
            '    """Report buckets without default encryption or with public access."""',
            "    findings = []",
            '    for bucket in s3.list_buckets()["Buckets"]:',
            '        name = bucket["Name"]',
            "        try:",
            "            s3.get_bucket_encryption(Bucket=name)",
            "        except s3.exceptions.ClientError:",
            f'            findings.append((name, "no default encryption"))',
            f"        if len(findings) > {r.randint(5, 50)}:",
            "            break",
            "    return findings",
            "",
            "",
            'if __name__ == "__main__":',
            f"    for name, problem in check_{f['name']}_buckets():",
            '        print(f"{name}: {problem}")',
            "```",
        ])

    def code_json(self) -> str:
        r = self.rng
        f = self.fill()
        actions = r.sample(IAM_ACTIONS, r.randint(2, 5))
        acts = ",\n".join(f'        "{a}"' for a in actions)
        return "\n".join([
            "```json",
            "{",
            '  "Version": "2012-10-17",',
            '  "Statement": [',
            "    {",
            f'      "Sid": "{f["name"].capitalize()}LeastPrivilege",',
            '      "Effect": "Allow",',
            '      "Action": [',
            acts,
            "      ],",
            f'      "Resource": "arn:aws:s3:::{f["bucket"]}/*",',
            '      "Condition": {',
            f'        "StringEquals": {{"aws:RequestedRegion": "{f["region"]}"}},',
            '        "Bool": {"aws:SecureTransport": "true"}',
            "      }",
            "    }",
            "  ]",
            "}",
            "```",
        ])

    def ascii_art(self) -> str:
        r = self.rng
        top, middle = r.sample(["Customer data", "Applications", "Guest OS", "Platform", "Network config"], 2)
        rule = "+" + "-" * 44 + "+"
        rows = [(top, "customer (IN)"), (middle, "varies"), ("Hypervisor / hardware", "AWS (OF)")]
        lines = ["```", f"  {self.fill()['name']} stack, article {self.index}", rule]
        for label, owner in rows:
            lines += [f"| {label:<22} <- {owner:<16} |", rule]
        lines.append("```")
        return "\n".join(lines)

    def fill(self) -> dict[str, str]:
        r = self.rng
        name = r.choice(NAMES)
        return {
            "name": name,
            "bucket": f"{name}-{self.index}-{r.randint(100, 999)}-logs",
            "key": f"alias/{name}",
            "region": r.choice(REGIONS),
        }

    # -- whole file

    def front_matter(self) -> str:
        r = self.rng
        title = f"{r.choice(TITLE_FIRST)} {r.choice(TITLE_THING)} {r.choice(TITLE_TAIL)} (#{self.index})"
        date = dt.date(2020, 1, 1) + dt.timedelta(days=r.randrange(6 * 365))
        summary = f"{r.choice(OBSERVATIONS).capitalize()}; this note covers {r.choice(OBJECTS)}."
        tags = sorted(r.sample(TAGS, r.randint(1, 4)))
        services = r.sample(self.services, r.randint(1, 4))
        controls = r.sample(self.controls, r.randint(1, 5))
        lines = [
            "---",
            f'title: "{title}"',
            f"date: {date.isoformat()}",
            f'summary: "{summary}"',
            f"tags: [{', '.join(tags)}]",
            f"authors: [{r.choice(AUTHORS)}]",
            f"services: [{', '.join(services)}]",
            f"controls: [{', '.join(controls)}]",
            "---",
        ]
        return "\n".join(lines) + "\n"

    def render(self) -> str:
        # Deterministic retry: the rare draw that falls outside 5-10 KB is drawn again.
        while True:
            out = self.attempt()
            if MIN_BYTES <= len(out.encode()) <= MAX_BYTES:
                return out

    def attempt(self) -> str:
        r = self.rng
        target = r.randint(MIN_BYTES + 400, MAX_BYTES - 1700)
        code_kinds = [self.code_bash, self.code_python, self.code_json]
        code = [r.choice(code_kinds)() for _ in range(r.randint(3, 4))]
        special = [self.table(), self.bullet_list(), self.bullet_list(), self.ascii_art()] + code
        r.shuffle(special)

        head = self.front_matter() + "\n" + self.paragraph() + "\n\n"
        parts: list[str] = [head]
        size = len(head.encode())
        h2 = r.sample(HEADINGS_H2, len(HEADINGS_H2))
        section = 0
        # Sections: a heading, prose, then one or more of the special blocks (table, lists,
        # code, ASCII art), until every special block is placed and the target size is met.
        while special or size < target:
            left = target - size - sum(len(b.encode()) for b in special)
            title = h2[section % len(h2)] + (f" {section // len(h2) + 1}" if section >= len(h2) else "")
            chunk = [f"## {title}", "", self.paragraph(), ""]
            if special:
                # Plenty of room: one block per section; little room: the rest at once.
                take = 1 if left > 1600 else min(len(special), 3)
                for n in range(take):
                    if n:
                        chunk += [self.sentence(), ""]
                    chunk += [special.pop(), ""]
            if left > 1400 and r.random() < 0.5:
                chunk += [f"### {r.choice(HEADINGS_H3)}", "", self.paragraph(), ""]
            text = "\n".join(chunk) + "\n"
            if not special and size + len(text.encode()) > MAX_BYTES - 64:
                break
            parts.append(text)
            size += len(text.encode())
            section += 1
        out = "".join(parts)
        while len(out.encode()) < MIN_BYTES:  # top up (rarely needed)
            out += self.sentence() + "\n\n"
        return out


def article_name(i: int) -> str:
    return f"a-{i:05d}"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, required=True, help="number of articles")
    ap.add_argument("--out", type=Path, required=True, help="site folder to write")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = ap.parse_args(argv)
    if args.articles < 1:
        ap.error("--articles must be at least 1")

    services = dataset_ids(DATA_DIR, "services")
    controls = dataset_ids(DATA_DIR, "controls")

    out: Path = args.out
    articles_dir = out / "content" / "articles"
    data_out = out / "content" / "data"
    # Clear what an earlier run of this script wrote (only its own files).
    if articles_dir.is_dir():
        for p in articles_dir.glob("a-*.md"):
            p.unlink()
    if data_out.is_dir():
        for p in data_out.glob("*.yaml"):
            p.unlink()
    articles_dir.mkdir(parents=True, exist_ok=True)
    data_out.mkdir(parents=True, exist_ok=True)

    (out / "srm-docs.toml").write_text(
        'title = "Synthetic shared-responsibility benchmark"\n'
        'description = "Generated by bench/gen_corpus.py"\n'
        'base_url = "https://bench.example.com/kb/"\n',
        encoding="utf-8",
    )
    for src in sorted(DATA_DIR.glob("*.yaml")):
        shutil.copyfile(src, data_out / src.name)

    rng = random.Random(args.seed)
    total_bytes = 0
    for i in range(1, args.articles + 1):
        text = Article(rng, i, args.articles, services, controls).render()
        data = text.encode("utf-8")
        total_bytes += len(data)
        with open(articles_dir / f"{article_name(i)}.md", "wb") as fh:
            fh.write(data)
    print(
        f"gen_corpus: {args.articles} articles, {total_bytes / 1e6:.1f} MB of Markdown, seed {args.seed} -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
