"""Times meshmend against what a user would script instead, on the same
inputs, and prints one Markdown table. Driven by scripts/side-by-side.sh,
which installs the tools and builds the release CLI first.

    python3 run.py MESHMEND K INPUT_LABEL=PATH...

Per input: `meshmend analyze` against the same-port scripts (PyYAML's C
loader; Node's `yaml` and `js-yaml`), and `meshmend redact` against
detect-secrets. Each command runs K times; the table gives the median wall
time of the whole process and its ratio to meshmend's median on the same
input and task (above 1: meshmend is faster).

The answer column compares what each tool found. For the same-port task it
is the set of Gateway pairs: the scripts report every pair with the same
port number and the same selector; meshmend reports the pairs istiod drops
or merges (MM101-MM104), following Service port translation and selectors
that pick the same pods. For redaction it is the number of lines flagged
(recall and false positives are scripts/redact-side-by-side.sh's job).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, ".venv-bench", "bin")
PAIR_CODES = {"MM101", "MM102", "MM103", "MM104"}
OTHER_GATEWAY = re.compile(r"of Gateway ([a-z0-9.-]+/[a-z0-9.-]+)")


def meshmend_pairs(out):
    pairs = set()
    for d in json.loads(out)["diagnostics"]:
        res = d.get("resource") or {}
        if d["code"] not in PAIR_CODES or res.get("kind") != "Gateway":
            continue
        this = f"{res.get('namespace') or 'default'}/{res['name']}"
        for other in OTHER_GATEWAY.findall(d["message"]):
            if other != this:
                pairs.add(" ".join(sorted((this, other))))
    return pairs


def script_pairs(out):
    return set(json.loads(out)["pairs"])


def meshmend_lines(out):
    return {(f["file"], f["line"]) for f in json.loads(out)["findings"]}


def detect_secrets_lines(out):
    return {(name, item["line_number"]) for name, items in json.loads(out)["results"].items() for item in items}


def tools(meshmend):
    """(task, tool name, command before the file, answer parser)."""
    return [
        ("same-port", "meshmend analyze", [meshmend, "analyze", "--format", "json", "--failure-threshold", "none"], meshmend_pairs),
        ("same-port", "Python + PyYAML CSafeLoader", [f"{VENV}/python", f"{HERE}/same_port.py"], script_pairs),
        ("same-port", "Node + yaml", ["node", f"{HERE}/same_port.mjs", "yaml"], script_pairs),
        ("same-port", "Node + js-yaml", ["node", f"{HERE}/same_port.mjs", "js-yaml"], script_pairs),
        ("redact", "meshmend redact", [meshmend, "redact", "--format", "json"], meshmend_lines),
        ("redact", "detect-secrets scan", [f"{VENV}/detect-secrets", "scan"], detect_secrets_lines),
    ]


def run(cmd, k):
    times, out = [], None
    for _ in range(k):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=os.path.dirname(cmd[-1]))
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return None, f"failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
        out = done.stdout
    return statistics.median(times), out


def agreement(task, found, reference):
    if task == "redact":
        return f"{len(found)} lines flagged"
    if found == reference:
        return f"{len(found)} pairs; agrees"
    shared = len(found & reference)
    return (f"{len(found)} pairs; disagrees: {shared} shared, {len(found - reference)} not flagged by meshmend, "
            f"{len(reference - found)} missed")


def main():
    meshmend, k = sys.argv[1], int(sys.argv[2])
    inputs = [arg.split("=", 1) for arg in sys.argv[3:]]
    print(f"| tool | input | median of {k} (s) | × meshmend | answer |")
    print("|---|---|---:|---:|---|")
    for label, path in inputs:
        base = {}
        for task, name, cmd, parse in tools(meshmend):
            seconds, out = run(cmd + [os.path.abspath(path)], k)
            if seconds is None:
                print(f"| {name} | {label} | - | - | {out} |", flush=True)
                continue
            found = parse(out)
            if task not in base:
                base[task] = (seconds, found)
                ratio, answer = "1.0", (f"{len(found)} pairs (reference)" if task == "same-port"
                                        else f"{len(found)} lines flagged")
            else:
                ratio, answer = f"{seconds / base[task][0]:.1f}", agreement(task, found, base[task][1])
            print(f"| {name} | {label} | {seconds:.2f} | {ratio} | {answer} |", flush=True)


if __name__ == "__main__":
    main()
