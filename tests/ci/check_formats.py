"""Checks meshmend's CI report formats against their own ecosystems.

- gitlab: validated with `jsonschema` against gitlab-code-quality.schema.json
  (written from GitLab's documentation, URL in the schema); fingerprints are
  unique and survive lines moving.
- junit: read back with `junitparser` (the parser pytest-style tools and many
  CI uploaders use); counts, failures and locations must match the JSON report.
- github: parsed as the Actions runner parses workflow commands and re-issued
  with `@actions/core` (github-annotations.mjs).

Usage: python check_formats.py MESHMEND_BINARY   (run from the repository root)
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
from junitparser import Failure, JUnitXml

HERE = Path(__file__).resolve().parent
BIN = os.path.abspath(sys.argv[1])
CASES = {
    "seed": ["examples/seed-conflict.yaml"],
    "mixed": [
        "examples/seed-conflict.yaml",
        "crates/meshmend_cli/tests/fixtures/broken.yaml",
        "crates/meshmend_cli/tests/fixtures/warning-only.yaml",
        "crates/meshmend_cli/tests/fixtures/clean",
    ],
    "clean": ["crates/meshmend_cli/tests/fixtures/clean/shop-gateway.yaml"],
}
failures = 0


def check(condition, why):
    global failures
    if not condition:
        failures += 1
        print(f"FAIL {why}", file=sys.stderr)


def meshmend(fmt, paths, cwd=".", threshold="warning"):
    out = subprocess.run(
        [BIN, "analyze", "--format", fmt, "--failure-threshold", threshold, *paths],
        cwd=cwd, capture_output=True, text=True, check=False,
    )
    check(out.returncode in (0, 1), f"{fmt} {paths}: exit {out.returncode}: {out.stderr}")
    return out.stdout


def check_gitlab(name, paths, schema, cwd="."):
    report = json.loads(meshmend("gitlab", paths, cwd))
    expected = json.loads(meshmend("json", paths, cwd))["diagnostics"]
    try:
        jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as error:
        check(False, f"gitlab {name}: {error.message} at {list(error.absolute_path)}")
    check(len(report) == len(expected), f"gitlab {name}: {len(report)} issues for {len(expected)} findings")
    prints = [issue["fingerprint"] for issue in report]
    check(len(set(prints)) == len(prints), f"gitlab {name}: duplicate fingerprints")
    for issue, d in zip(report, expected):
        check(issue["check_name"] == d["code"], f"gitlab {name}: check_name {issue['check_name']}")
        check(issue["location"]["path"] == d["file"].removeprefix("./"), f"gitlab {name}: path")
        check(issue["location"]["lines"]["begin"] == d["line"], f"gitlab {name}: line")
    return report


def check_junit(name, paths, threshold):
    xml = meshmend("junit", paths, threshold=threshold)
    expected = json.loads(meshmend("json", paths))
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    suites = JUnitXml.fromfile(f.name)
    os.unlink(f.name)
    rank = {"info": 0, "warning": 1, "error": 2}
    failing = [d for d in expected["diagnostics"]
               if threshold != "none" and rank[d["severity"]] >= rank[threshold]]
    cases = [case for suite in suites for case in suite]
    failed = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
    check(suites.failures == len(failing), f"junit {name}: failures={suites.failures}, want {len(failing)}")
    check(len(failed) == len(failing), f"junit {name}: {len(failed)} failed cases, want {len(failing)}")
    check(suites.tests == len(cases), f"junit {name}: tests={suites.tests} but {len(cases)} cases")
    check(len(list(suites)) == expected["summary"]["files"], f"junit {name}: one suite per file")
    findings = [case for case in cases if case.name != "no findings"]
    check(len(findings) == len(expected["diagnostics"]), f"junit {name}: one case per finding")
    by_file = {}
    for d in expected["diagnostics"]:
        by_file.setdefault(d["file"].removeprefix("./"), []).append(d)
    for suite in suites:
        for case, d in zip([c for c in suite if c.name != "no findings"], by_file.get(suite.name, [])):
            check(case.name.startswith(f"{suite.name}:{d['line']}"), f"junit {name}: case {case.name}")
            check(case.classname == f"meshmend.{d['name']}", f"junit {name}: classname {case.classname}")
            for result in case.result:
                if isinstance(result, Failure):
                    check(result.type == d["code"], f"junit {name}: failure type {result.type}")
                    check(result.message == d["message"], f"junit {name}: failure message")
                    check(d["message"] in result.text, f"junit {name}: failure text")


def check_github(name, paths):
    with tempfile.TemporaryDirectory() as tmp:
        gh, js = Path(tmp, "github.txt"), Path(tmp, "report.json")
        gh.write_text(meshmend("github", paths))
        js.write_text(meshmend("json", paths))
        out = subprocess.run(["node", str(HERE / "github-annotations.mjs"), str(gh), str(js)],
                             capture_output=True, text=True, check=False)
        print(out.stdout.strip())
        check(out.returncode == 0, f"github {name}: {out.stderr}")


def main():
    schema = json.loads((HERE / "gitlab-code-quality.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for name, paths in CASES.items():
        check_gitlab(name, paths, schema)
        for threshold in ("error", "warning", "info", "none"):
            check_junit(name, paths, threshold)
        check_github(name, paths)

    # Awkward names and text: commas and colons (GitHub property
    # separators), XML markup, non-ASCII; and a fingerprint that must not
    # move when unrelated lines are added above the finding.
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path("examples/seed-conflict.yaml").read_text()
        odd = Path(tmp, "a,b:c <&> é.yaml")
        odd.write_text(seed.replace("prod-gateway", "prod-gw<&>,:%é"))
        paths = [odd.name]
        before = check_gitlab("odd names", paths, schema, cwd=tmp)
        odd.write_text("# a comment\n# another\n" + odd.read_text())
        after = check_gitlab("odd names, moved", paths, schema, cwd=tmp)
        check([i["fingerprint"] for i in before] == [i["fingerprint"] for i in after],
              "gitlab: fingerprints change when lines move")
        check([i["location"]["lines"]["begin"] + 2 for i in before]
              == [i["location"]["lines"]["begin"] for i in after], "gitlab: lines did not move")
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            for threshold in ("error", "info"):
                check_junit("odd names", paths, threshold)
            check_github("odd names", paths)
        finally:
            os.chdir(cwd)

    print(f"ci formats: {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
