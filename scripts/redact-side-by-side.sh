#!/usr/bin/env bash
# meshmend redact and detect-secrets side by side on the labelled corpus
# (tests/redact-corpus): recall per context (neutral key, secret-sounding key,
# Helm values, properties block, prose, .env text, URL, the manifests) and per
# family, and false positives (on look-alike negatives and on the secret-free
# manifests c-*). NOT run in CI: it installs detect-secrets from PyPI once,
# into a cached venv (re-runs reuse it).
#
#   bash scripts/redact-side-by-side.sh
#   CORPUS=/tmp/heldout bash scripts/redact-side-by-side.sh   # another copy, e.g.
#     one regenerated with MATRIX_SEED=7 python3 /tmp/heldout/matrix.py
#
# Scoring is by line, the same for both tools: a labelled secret is found
# when each of its occurrences has a finding on one of its lines; a false
# positive is a reported line that holds no labelled or tolerated secret.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${MESHMEND_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshmend-peer}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [ ! -x "$CACHE/venv/bin/detect-secrets" ]; then
  log "installing detect-secrets into $CACHE/venv (once)"
  mkdir -p "$CACHE"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q detect-secrets
fi
DETECT_SECRETS=$CACHE/venv/bin/detect-secrets

log "building meshmend"
cargo build -q -p meshmend_cli
MESHMEND=${CARGO_TARGET_DIR:-$ROOT/target}/debug/meshmend

mkdir -p "$WORK/corpus" "$WORK/out"
python3 - "${CORPUS:-$ROOT/tests/redact-corpus}" "$WORK/corpus" <<'EOF'
import json, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
for name in json.load(open(f"{src}/labels.json")):
    shutil.copy(f"{src}/{name}", f"{dst}/{name}")
shutil.copy(f"{src}/labels.json", f"{dst}/../labels.json")
EOF

log "running meshmend redact and detect-secrets $("$DETECT_SECRETS" --version)"
(cd "$WORK/corpus" && "$MESHMEND" redact --format json ./* >"$WORK/out/meshmend.json")
(cd "$WORK/corpus" && "$DETECT_SECRETS" scan --all-files . >"$WORK/out/detect-secrets.json")

python3 - "$WORK" <<'EOF'
import json, os, sys
from collections import defaultdict
work = sys.argv[1]
labels = json.load(open(f"{work}/labels.json"))
texts = {n: open(f"{work}/corpus/{n}").read() for n in labels}
tools = ["meshmend", "detect-secrets"]

def line_ranges(text, needle):
    out, at = [], text.find(needle)
    while at >= 0:
        l0 = text.count("\n", 0, at) + 1
        out.append((l0, l0 + needle.count("\n")))
        at = text.find(needle, at + 1)
    return out

def findings(tool):
    raw = json.load(open(f"{work}/out/{tool}.json"))
    out = defaultdict(set)
    if tool == "meshmend":
        for f in raw["findings"]:
            out[os.path.basename(f["file"])].add(f["line"])
    else:
        for name, items in raw["results"].items():
            for i in items:
                out[os.path.basename(name)].add(i["line_number"])
    return out

total = defaultdict(int)
found = {t: defaultdict(int) for t in tools}
fam_total = defaultdict(int)
fam_found = {t: defaultdict(int) for t in tools}
fp_neg = {t: 0 for t in tools}
fp_clean = {t: 0 for t in tools}
fp_other = {t: 0 for t in tools}
for tool in tools:
    lines = findings(tool)
    for name, label in labels.items():
        text = texts[name]
        secret_lines = set()
        for s in label["secrets"]:
            ctx = s.get("context", "manifest")
            ranges = line_ranges(text, s["text"])
            for r0, r1 in ranges:
                secret_lines.update(range(r0, r1 + 1))
            hit = all(any(r0 <= l <= r1 for l in lines[name]) for r0, r1 in ranges)
            if tool == tools[0]:
                total[ctx] += 1
                fam_total[s["family"]] += 1
            found[tool][ctx] += hit
            fam_found[tool][s["family"]] += hit
        for t in label["tolerated"]:
            for r0, r1 in line_ranges(text, t):
                secret_lines.update(range(r0, r1 + 1))
        for l in lines[name] - secret_lines:
            if name.startswith("c-"):
                fp_clean[tool] += 1
            elif name == "m-negatives.yaml":
                fp_neg[tool] += 1
            else:
                fp_other[tool] += 1

def pct(f, n):
    return f"{f}/{n} ({100 * f / n:.0f}%)" if n else "-"

print("\n| context | secrets | " + " | ".join(tools) + " |")
print("|---|---:|" + "---:|" * len(tools))
for ctx in sorted(total):
    print(f"| {ctx} | {total[ctx]} | " + " | ".join(pct(found[t][ctx], total[ctx]) for t in tools) + " |")
n = sum(total.values())
print(f"| **all** | {n} | " + " | ".join(f"**{pct(sum(found[t].values()), n)}**" for t in tools) + " |")
clean_lines = sum(texts[n].count("\n") for n in labels if n.startswith("c-"))
print(f"| false-positive lines, look-alike negatives (m-negatives.yaml) | | " + " | ".join(str(fp_neg[t]) for t in tools) + " |")
print(f"| false-positive lines, secret-free manifests ({clean_lines} lines of c-*) | | " + " | ".join(str(fp_clean[t]) for t in tools) + " |")
print(f"| false-positive lines, elsewhere in the corpus | | " + " | ".join(str(fp_other[t]) for t in tools) + " |")
print("\n| family | secrets | " + " | ".join(tools) + " |")
print("|---|---:|" + "---:|" * len(tools))
for fam in sorted(fam_total):
    print(f"| {fam} | {fam_total[fam]} | " + " | ".join(pct(fam_found[t][fam], fam_total[fam]) for t in tools) + " |")
EOF
