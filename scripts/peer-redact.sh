#!/usr/bin/env bash
# Compares `meshmend redact` with established secret scanners on the labelled
# corpus (tests/redact-corpus): recall per family, false positives, speed.
# NOT run in CI: it installs tools from PyPI and npm into a temp dir.
#
#   bash scripts/peer-redact.sh            # corpus + a ~2 MB concatenation for speed
#
# Tools: detect-secrets (PyPI), secretlint + preset-recommend (npm),
# Kingfisher (PyPI `kingfisher-bin`, the official wheel), and gitleaks if a
# `gitleaks` binary is on PATH or installable with apt (it is on none of the
# registries this project reaches, so usually it is skipped).
#
# Scoring is by line, the same for every tool (meshmend included): a labelled
# secret counts as found when each of its occurrences has a finding on one of
# its lines; a false positive is a reported line that holds no labelled or
# tolerated secret.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

mkdir -p "$WORK/corpus" "$WORK/big" "$WORK/out"
# Every labelled file (the matrix has a `.env` text file besides the YAML).
python3 -c 'import json, shutil, sys
for n in json.load(open(sys.argv[1] + "/labels.json")): shutil.copy(sys.argv[1] + "/" + n, sys.argv[2])' \
  tests/redact-corpus "$WORK/corpus"
cp tests/redact-corpus/labels.json "$WORK/"
# ~2 MB single file for throughput (the corpus repeated).
python3 - "$WORK" <<'EOF'
import glob, os, sys
work = sys.argv[1]
docs = "\n---\n".join(open(p).read() for p in sorted(glob.glob(f"{work}/corpus/*")))
with open(f"{work}/big/big.yaml", "w") as f:
    while f.tell() < 2 * 1024 * 1024:
        f.write(docs + "\n---\n")
EOF

log "building meshmend (release)"
cargo build --release -q -p meshmend_cli
MESHMEND=${CARGO_TARGET_DIR:-$ROOT/target}/release/meshmend

log "installing detect-secrets and kingfisher (pip, temp venv)"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q detect-secrets kingfisher-bin >/dev/null 2>&1 || log "pip install failed"
log "installing secretlint (npm, temp dir)"
(cd "$WORK" && mkdir npm && cd npm && npm init -y >/dev/null 2>&1 &&
  npm install --silent secretlint @secretlint/secretlint-rule-preset-recommend >/dev/null 2>&1) ||
  log "npm install failed"
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$WORK/secretlintrc.json"
GITLEAKS=$(command -v gitleaks || true)
if [ -z "$GITLEAKS" ] && command -v apt-get >/dev/null; then
  apt-get install -y -qq gitleaks >/dev/null 2>&1 && GITLEAKS=$(command -v gitleaks || true)
fi
[ -n "$GITLEAKS" ] || log "gitleaks: not installable here (not on PyPI/npm/Debian); skipped"

# run TOOL DIR: writes $WORK/out/TOOL-DIRNAME.json and prints wall seconds
# (each tool gets at most $PEER_TIMEOUT seconds, default 300; Kingfisher
# took over 10 minutes on the 2 MB file here).
PEER_TIMEOUT=${PEER_TIMEOUT:-300}
run() {
  local tool=$1 dir=$2 name out start end
  name=$(basename "$dir")
  out=$WORK/out/$tool-$name.json
  start=$(date +%s.%N)
  case $tool in
    meshmend) timeout "$PEER_TIMEOUT" "$MESHMEND" redact --format json "$dir"/* >"$out" ;;
    detect-secrets) (cd "$dir" && timeout "$PEER_TIMEOUT" "$WORK/venv/bin/detect-secrets" scan --all-files . >"$out") ;;
    secretlint) (cd "$WORK/npm" && timeout "$PEER_TIMEOUT" ./node_modules/.bin/secretlint --secretlintrc "$WORK/secretlintrc.json" \
      --format json "$dir/*" >"$out" || true) ;;
    kingfisher) (cd "$dir" && timeout "$PEER_TIMEOUT" "$WORK/venv/bin/kingfisher" scan . --format json --no-validate \
      --no-update-check >"$out" 2>/dev/null || true) ;;
    gitleaks) timeout "$PEER_TIMEOUT" "$GITLEAKS" detect --no-git --no-banner -s "$dir" -f json -r "$out" >/dev/null 2>&1 || true ;;
  esac
  end=$(date +%s.%N)
  [ -s "$out" ] || echo "$tool produced no output for $name (timeout or failure)" >&2
  python3 -c "print(f'{$end - $start:.3f}')"
}

TOOLS="meshmend detect-secrets secretlint kingfisher"
[ -n "$GITLEAKS" ] && TOOLS="$TOOLS gitleaks"
: >"$WORK/times.txt"
for tool in $TOOLS; do
  log "running $tool"
  corpus_s=$(run "$tool" "$WORK/corpus")
  big_s=$(run "$tool" "$WORK/big")
  echo "$tool $corpus_s $big_s" >>"$WORK/times.txt"
done

python3 - "$WORK" <<'EOF'
import json, os, sys
from collections import defaultdict
work = sys.argv[1]
labels = json.load(open(f"{work}/labels.json"))
texts = {n: open(f"{work}/corpus/{n}").read() for n in labels}

def line_ranges(text, needle):
    out, at = [], text.find(needle)
    while at >= 0:
        l0 = text.count("\n", 0, at) + 1
        out.append((l0, l0 + needle.count("\n")))
        at = text.find(needle, at + 1)
    return out

def findings(tool):
    """{file: [(start_line, end_line)]}"""
    path = f"{work}/out/{tool}-corpus.json"
    raw = open(path).read() if os.path.exists(path) else ""
    out = defaultdict(list)
    if not raw.strip():
        return out
    if tool == "meshmend":
        for f in json.loads(raw)["findings"]:
            out[os.path.basename(f["file"])].append((f["line"], f["line"]))
    elif tool == "detect-secrets":
        for name, items in json.loads(raw)["results"].items():
            for i in items:
                out[os.path.basename(name)].append((i["line_number"], i["line_number"]))
    elif tool == "secretlint":
        for f in json.loads(raw):
            for m in f["messages"]:
                out[os.path.basename(f["filePath"])].append((m["loc"]["start"]["line"], m["loc"]["end"]["line"]))
    elif tool == "kingfisher":
        data, _ = json.JSONDecoder().raw_decode(raw)
        for f in data["findings"]:
            x = f["finding"]
            lines = x.get("snippet", "").count("\n")
            out[os.path.basename(x["path"])].append((x["line"], x["line"] + lines))
    elif tool == "gitleaks":
        for f in json.loads(raw):
            out[os.path.basename(f["File"])].append((f["StartLine"], f["EndLine"]))
    return out

times = {}
for line in open(f"{work}/times.txt"):
    tool, c, b = line.split()
    times[tool] = (float(c), float(b))
tools = list(times)
big = os.path.getsize(f"{work}/big/big.yaml")
fam_total = defaultdict(int)
fam_found = defaultdict(lambda: defaultdict(int))
fps = {}
for tool in tools:
    found_lines = findings(tool)
    fp = set()
    for name, label in labels.items():
        text = texts[name]
        ranges_all = []
        for s in label["secrets"]:
            ranges = line_ranges(text, s["text"])
            ranges_all += ranges
            if tool == tools[0]:
                fam_total[s["family"]] += 1
            hit = all(any(a <= r1 and b >= r0 for a, b in found_lines[name]) for r0, r1 in ranges)
            fam_found[tool][s["family"]] += hit
        for t in label["tolerated"]:
            ranges_all += line_ranges(text, t)
        for a, b in found_lines[name]:
            if not any(a <= r1 and b >= r0 for r0, r1 in ranges_all):
                fp.add((name, a))
    fps[tool] = len(fp)

total = sum(fam_total.values())
print("\n| family | n | " + " | ".join(tools) + " |")
print("|---|---:|" + "---:|" * len(tools))
for fam in sorted(fam_total):
    print(f"| {fam} | {fam_total[fam]} | " + " | ".join(f"{fam_found[t][fam]}" for t in tools) + " |")
print(f"| **recall** | {total} | " + " | ".join(f"**{sum(fam_found[t].values())}/{total} ({100*sum(fam_found[t].values())/total:.0f}%)**" for t in tools) + " |")
print("| false-positive lines | | " + " | ".join(str(fps[t]) for t in tools) + " |")
print(f"| corpus wall time (s) | | " + " | ".join(f"{times[t][0]:.2f}" for t in tools) + " |")
print(f"| {big/1e6:.1f} MB file: wall time (s) | | " + " | ".join(f"{times[t][1]:.2f}" for t in tools) + " |")
print(f"| {big/1e6:.1f} MB file: MB/s | | " + " | ".join(f"{big/1e6/times[t][1]:.3g}" for t in tools) + " |")
m = times["meshmend"][1]
print("| speed vs meshmend | | " + " | ".join(f"{times[t][1]/m:.1f}x slower" if t != "meshmend" else "1x" for t in tools) + " |")
EOF
