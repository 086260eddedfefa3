"""Runs action.yml with the offline runner (run_action.py) on realistic
workspaces and checks what a workflow would see: the step's conclusion, the
action's outputs, the annotations, and the SARIF handed to the upload step.

Usage: python check_action.py MESHMEND_BINARY   (run from the repository root)
  MESHMEND_ACTION_BUILD=1 also runs the "Build meshmend" step (cargo install
  from this checkout, release profile; slow the first time).
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from run_action import run_action

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = str(Path(sys.argv[1]).resolve().parent)
failures = 0


def check(condition, why, result=None):
    global failures
    if not condition:
        failures += 1
        print(f"FAIL {why}", file=sys.stderr)
        if result:
            print(result["log"], file=sys.stderr)


def workspace(files):
    ws = Path(tempfile.mkdtemp(prefix="action-ws-"))
    for name, source in files.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / source, ws / name)
    return ws


def run(ws, inputs, install=False):
    env = dict(os.environ)
    if not install:
        env["PATH"] = BIN_DIR + os.pathsep + env["PATH"]
        inputs = {"install": "false", **inputs}
    return run_action(ROOT, inputs, ws, env)


def sarif_of(ws, result):
    upload = [u for u in result["skipped_uses"] if u["uses"].startswith("github/codeql-action/upload-sarif@")]
    check(len(upload) == 1, "the SARIF upload step is reached once", result)
    if not upload:
        return None
    path = ws / upload[0]["with"]["sarif_file"]
    check(upload[0]["with"]["category"] == "meshmend", "upload category")
    log = json.loads(path.read_text())
    check(log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "meshmend", "SARIF shape")
    return log


conflict = {"deploy/ingress.yaml": "examples/seed-conflict.yaml"}
clean = {"k8s/shop gateway.yaml": "crates/meshmend_cli/tests/fixtures/clean/shop-gateway.yaml"}

# Conflicts: the step fails with exit 1, annotations point at the file, SARIF is uploaded.
ws = workspace(conflict)
result = run(ws, {}, install=os.environ.get("MESHMEND_ACTION_BUILD") == "1")
check(result["conclusion"] == "failure", "conflicting manifests fail the action", result)
check(result["outputs"]["exit-code"] == "1", f"exit-code output {result['outputs']}", result)
stdout = result["steps"]["analyze"]["stdout"]
check("::error title=MM102 duplicate-tls-host,file=deploy/ingress.yaml,line=" in stdout, "annotation on the file", result)
log = sarif_of(ws, result)
if log:
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    check({"MM102", "MM201"} <= rules, f"SARIF results {rules}")

# The same with failure-threshold none: the job passes, SARIF still has the findings.
(ws / "out").mkdir()
result = run(ws, {"failure-threshold": "none", "sarif-file": "out/report.sarif"})
check(result["conclusion"] == "success", "failure-threshold none passes", result)
check(result["outputs"]["sarif-file"] == "out/report.sarif", "sarif-file output", result)
log = sarif_of(ws, result)
check(bool(log and log["runs"][0]["results"]), "findings still uploaded")

# Clean manifests (a file name with a space, found by walking), annotations off, no upload.
ws = workspace(clean)
result = run(ws, {"paths": "k8s", "annotations": "false", "upload-sarif": "false", "istio-version": "1.24"})
check(result["conclusion"] == "success", "clean manifests pass", result)
check(result["outputs"]["exit-code"] == "0", "exit-code 0", result)
check(result["skipped_uses"] == [], "no upload when upload-sarif is false", result)
check("::" not in result["steps"]["analyze"]["stdout"], "no annotations when off", result)

# Injection: an argument with shell syntax is an argument, not a command.
result = run(ws, {"args": "--namespace $(touch${IFS}pwned)"})
check(not (ws / "pwned").exists(), "inputs cannot inject shell", result)

# A usage error (exit 2) fails and uploads nothing.
result = run(ws, {"args": "--no-such-flag"})
check(result["conclusion"] == "failure" and result["outputs"]["exit-code"] == "2", "usage errors fail with 2", result)
check(result["skipped_uses"] == [], "no upload after a usage error", result)

print(f"action: {failures} failed")
sys.exit(1 if failures else 0)
