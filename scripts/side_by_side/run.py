"""Times meshmend against what a user would script instead, on the same
inputs, and prints one Markdown table. Driven by scripts/side-by-side.sh,
which installs the tools and builds the release CLI first.

    python3 run.py MESHMEND K INPUT_LABEL=PATH...

Environment: BUDGET (seconds, default 120): after the first run, a command
runs again only while its runs so far took less than BUDGET in all, so a
tool that needs minutes per run is timed fewer than K times (the table says
how many); TIMEOUT (seconds, default 600): a run that takes longer is
stopped, and the row says "> TIMEOUT".

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


BUDGET = float(os.environ.get("BUDGET", "120"))
TIMEOUT = float(os.environ.get("TIMEOUT", "600"))


def run(cmd, k):
    """(median seconds, number of runs, stdout), or (None, 0, why)."""
    times, out = [], None
    while len(times) < k and (not times or sum(times) < BUDGET):
        start = time.perf_counter()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=os.path.dirname(cmd[-1]),
                                  timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, 0, f"> {TIMEOUT:.0f} s: stopped"
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return None, 0, f"failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
        out = done.stdout
    return statistics.median(times), len(times), out


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
    print("| tool | input | runs | median (s) | × meshmend | answer |")
    print("|---|---|---:|---:|---:|---|")
    for label, path in inputs:
        base = {}
        for task, name, cmd, parse in tools(meshmend):
            seconds, runs, out = run(cmd + [os.path.abspath(path)], k)
            if seconds is None:
                print(f"| {name} | {label} | - | - | - | {out} |", flush=True)
                continue
            found = parse(out)
            if task not in base:
                base[task] = (seconds, found)
                ratio, answer = "1.0", (f"{len(found)} pairs (reference)" if task == "same-port"
                                        else f"{len(found)} lines flagged")
            else:
                ratio, answer = f"{seconds / base[task][0]:.1f}", agreement(task, found, base[task][1])
            print(f"| {name} | {label} | {runs} | {seconds:.2f} | {ratio} | {answer} |", flush=True)


if __name__ == "__main__":
    main()
