"""A small, offline stand-in for the GitHub Actions runner, enough to run
meshmend's composite action (action.yml) the way the runner would.

What it does as the runner does (docs: "Metadata syntax for GitHub Actions",
https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions,
and "Workflow commands", …/workflow-commands-for-github-actions#environment-files):
- input defaults from `inputs.<id>.default`, overridden by the caller's `with:`;
- `${{ … }}` expressions in `run`, `env`, `with`, `if` and `outputs.*.value`
  (contexts inputs, steps.<id>.outputs, github.action_path, runner.temp, env;
  operators == != && || ! and parentheses; string comparison ignores case;
  status functions always() success() failure(); a missing value is '');
- `if:` without a status function means `success() && (…)`;
- `shell: bash` runs the script file as `bash --noprofile --norc -eo pipefail {0}`;
- GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH files, fresh per step, read back
  after it (name=value and name<<DELIM heredocs);
- GITHUB_ACTION_PATH is the action's directory; the working directory is the
  workspace.
`uses:` steps need the network (they download other actions): they are not
run but returned with their `with:` resolved, so a test can check what they
would have been given.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||[!()])|(?P<word>[A-Za-z_][\w.\-]*(?:\(\))?))")


class Expr:
    """Evaluates one expression with the contexts given."""

    def __init__(self, text, context):
        self.tokens, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot parse expression `{text}` at {pos}")
            kind = m.lastgroup
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.context = context
        self.uses_status = any(k == "word" and v in ("always()", "success()", "failure()", "cancelled()")
                               for k, v in self.tokens)

    def value(self):
        result = self.or_()
        if self.i != len(self.tokens):
            raise ValueError(f"trailing tokens in expression: {self.tokens[self.i:]}")
        return result

    def peek(self):
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def or_(self):
        left = self.and_()
        while self.peek() == "||":
            self.i += 1
            right = self.and_()
            left = left if truthy(left) else right
        return left

    def and_(self):
        left = self.cmp()
        while self.peek() == "&&":
            self.i += 1
            right = self.cmp()
            left = right if truthy(left) else left
        return left

    def cmp(self):
        left = self.unary()
        while self.peek() in ("==", "!="):
            op = self.tokens[self.i][1]
            self.i += 1
            right = self.unary()
            equal = str(left).lower() == str(right).lower()
            left = equal if op == "==" else not equal
        return left

    def unary(self):
        if self.peek() == "!":
            self.i += 1
            return not truthy(self.unary())
        if self.peek() == "(":
            self.i += 1
            inner = self.or_()
            if self.peek() != ")":
                raise ValueError("missing )")
            self.i += 1
            return inner
        kind, text = self.tokens[self.i]
        self.i += 1
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text in ("true", "false"):
            return text == "true"
        if text == "always()":
            return True
        if text == "success()":
            return not self.context["failed"]
        if text == "failure()":
            return self.context["failed"]
        if text == "cancelled()":
            return False
        node = self.context
        for part in text.split("."):
            node = node.get(part, "") if isinstance(node, dict) else ""
        return node


def truthy(value):
    return value not in ("", False, None, 0)


def evaluate(text, context, condition=False):
    """`${{ }}` interpolation in a string; a whole `if:` as a condition."""
    if condition:
        expr = text.strip()
        m = re.fullmatch(r"\$\{\{(.*)\}\}", expr, re.S)
        if m:
            expr = m.group(1)
        parsed = Expr(expr, context)
        result = truthy(parsed.value())
        return result if parsed.uses_status else (result and not context["failed"])
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(Expr(m.group(1), context).value()), str(text))


def read_file_command(path):
    """name=value lines and name<<DELIMITER heredocs."""
    values, lines = {}, Path(path).read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            i += 1
            while lines[i] != delim:
                body.append(lines[i])
                i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        i += 1
    return values


def run_action(action_dir, inputs, workspace, env=None):
    """Runs the composite action; returns a dict with `conclusion`
    ("success"/"failure"), `outputs`, `steps` (id → conclusion, outputs),
    `skipped_uses` (uses steps with resolved `with:`) and `log`."""
    action_dir = Path(action_dir).resolve()
    action = yaml.safe_load((action_dir / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", "only composite actions are run"
    unknown = set(inputs) - set(action.get("inputs", {}))
    assert not unknown, f"inputs the action does not declare: {unknown}"
    resolved = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    resolved.update({k: str(v) for k, v in inputs.items()})
    runner_temp = tempfile.mkdtemp(prefix="runner-temp-")
    base_env = dict(os.environ if env is None else env)
    base_env.update({
        "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux",
        "RUNNER_TEMP": runner_temp, "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_dir),
    })
    context = {
        "inputs": resolved, "steps": {}, "failed": False,
        "github": {"action_path": str(action_dir), "workspace": str(workspace)},
        "runner": {"temp": runner_temp, "os": "Linux"}, "env": base_env,
    }
    extra_path, log, skipped = [], [], []
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"__{index}")
        name = step.get("name", step_id)
        if not evaluate(step.get("if", "success()"), context, condition=True):
            log.append(f"skip {name} (if)")
            continue
        if "uses" in step:
            with_ = {k: evaluate(v, context) for k, v in step.get("with", {}).items()}
            skipped.append({"name": name, "uses": step["uses"], "with": with_})
            log.append(f"uses {name}: {step['uses']} (not run: needs the network)")
            continue
        assert step.get("shell") == "bash", f"step {name}: composite run steps need `shell:`"
        files = {key: Path(runner_temp, f"{key.lower()}_{index}") for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        for f in files.values():
            f.write_text("")
        step_env = dict(base_env)
        step_env.update({k: str(v) for k, v in files.items()})
        step_env["PATH"] = os.pathsep.join([*reversed(extra_path), base_env.get("PATH", "")])
        step_env.update({k: evaluate(v, context) for k, v in step.get("env", {}).items()})
        script = Path(runner_temp, f"step_{index}.sh")
        script.write_text(evaluate(step["run"], context))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=step_env, capture_output=True, text=True, check=False)
        log.append(f"run {name}: exit {done.returncode}\n{done.stdout}{done.stderr}")
        outputs = read_file_command(files["GITHUB_OUTPUT"])
        base_env.update(read_file_command(files["GITHUB_ENV"]))
        extra_path.extend(p for p in files["GITHUB_PATH"].read_text().splitlines() if p)
        context["steps"][step_id] = {"outputs": outputs,
                                     "conclusion": "success" if done.returncode == 0 else "failure",
                                     "stdout": done.stdout}
        if done.returncode != 0:
            context["failed"] = True
    outputs = {k: evaluate(v.get("value", ""), context) for k, v in action.get("outputs", {}).items()}
    return {"conclusion": "failure" if context["failed"] else "success", "outputs": outputs,
            "steps": context["steps"], "skipped_uses": skipped, "log": "\n".join(log)}


if __name__ == "__main__":
    # python run_action.py ACTION_DIR WORKSPACE name=value…
    result = run_action(sys.argv[1], dict(a.split("=", 1) for a in sys.argv[3:]), sys.argv[2])
    print(result["log"])
    print(result["outputs"])
    sys.exit(0 if result["conclusion"] == "success" else 1)
