// The page as an incident tool: whole folders in (walked as the CLI walks
// them, shown as a tree with finding counts) and a Markdown incident report
// out (the core's text, the same as `meshmend fix --format markdown`), on
// the served page and on the offline single file.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect, test } from "@playwright/test";
import { EXAMPLE, waitAnalyzed } from "./helpers.js";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const gateway = (name, created, host) => `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-system
  creationTimestamp: "${created}"
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: {number: 443, name: https-${name}, protocol: HTTPS}
      hosts: [${host}]
      tls: {mode: SIMPLE, credentialName: ${name}-tls}
`;

/** A repository folder: a kustomization, a stray file it does not list, and what the walk must skip. */
function repository() {
  const root = join(mkdtempSync(join(tmpdir(), "meshmend-folder-")), "repo");
  const files = {
    "base/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gateway.yaml\n",
    "base/gateway.yaml": gateway("prod", "2024-01-10T09:00:00Z", "prod.example.com"),
    "base/unlisted.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leftover\n",
    "apps/staging.yaml": gateway("staging", "2024-02-01T00:00:00Z", "prod.example.com"),
    "apps/svc.json": '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}',
    "package.json": '{"name": "not-a-manifest", "version": "1.0.0"}',
    "README.md": "# not read\n",
    ".github/workflow.yaml": gateway("hidden", "2024-03-01T00:00:00Z", "prod.example.com"),
    "node_modules/pkg/chart.yaml": gateway("vendored", "2024-03-01T00:00:00Z", "prod.example.com"),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Opens a folder through the "Open folder…" picker and checks the walk, the tree and its counts. */
async function openFolder(page) {
  await page.getByTestId("folder-input").setInputFiles(repository());
  const tree = page.getByTestId("file-tree");
  await expect(tree).toBeVisible();
  const paths = await page.getByTestId("tree-file").evaluateAll((nodes) => nodes.map((n) => n.dataset.path));
  // The CLI's walk: YAML and Kubernetes JSON, no hidden or node_modules entries, named by path.
  expect(paths.sort()).toEqual(["repo/apps/staging.yaml", "repo/apps/svc.json", "repo/base/gateway.yaml", "repo/base/kustomization.yaml", "repo/base/unlisted.yaml"]);
  // Kustomize awareness: the file no kustomization lists is named (MM008).
  await expect(page.locator('[data-testid="finding"][data-code="MM008"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="finding"][data-code="MM102"]')).toHaveCount(1);
  const count = (path) => tree.locator(`[data-path="${path}"] [data-testid="tree-count"]`);
  await expect(count("repo/apps/staging.yaml")).toHaveClass(/count-error/);
  await expect(count("repo/apps/staging.yaml")).toContainText("1");
  // Every finding is counted in exactly one file.
  const counts = await tree.locator('[data-testid="tree-file"] [data-testid="tree-count"]').evaluateAll((nodes) => nodes.map((n) => parseInt(n.textContent, 10)));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(await page.getByTestId("finding").count());
  await expect(count("repo/apps/svc.json")).toContainText("0");
  return tree;
}

test("a picked folder is walked like the CLI walks it and shown as a tree with finding counts", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 860 });
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await expect(page.getByTestId("folder-note")).toContainText("Nothing is uploaded");
  const tree = await openFolder(page);
  // Choosing a file in the tree opens it in the editor.
  await tree.locator('[data-path="repo/apps/staging.yaml"]').click();
  await expect(page.getByTestId("input")).toHaveValue(/name: staging/);
  await expect(tree.locator('[data-path="repo/apps/staging.yaml"]')).toHaveAttribute("aria-current", "true");
  mkdirSync("test-results/screenshots", { recursive: true });
  await page.locator(".input-pane").screenshot({ path: "test-results/screenshots/folder.png" });
});

/** The report text of the core's snapshot on the example (insta header removed). */
function snapshotReport() {
  const snap = readFileSync(new URL("../../crates/meshmend_core/tests/snapshots/markdown_report__seed_report_with_the_fix.snap", import.meta.url), "utf8");
  return snap.replace(/^---\n[\s\S]*?\n---\n/, "");
}

test("the report button gives the core's Markdown report: the same text as meshmend fix --format markdown", async ({ page }) => {
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await page.getByTestId("report-button").click();
  const report = page.getByTestId("report");
  await expect(report).toBeVisible();
  await expect(report).toContainText("# Incident report");
  // The snapshot ran with the default release (1.30.3); the page's picker says "1.30" (its newest
  // patch, the same simulation), as `meshmend fix --istio-version 1.30 --format markdown` would.
  const version = await page.getByTestId("istio-version").inputValue();
  const expected = snapshotReport().replace("Simulated istiod: Istio 1.30.3.", `Simulated istiod: Istio ${version}.`);
  expect((await report.textContent()).trimEnd()).toBe(expected.trimEnd());
  await page.getByTestId("copy-report").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await report.textContent());
});

test("the report holds no secret of the secret-heavy fixture", async ({ page }) => {
  const fixture = readFileSync(new URL("../llm/secret-heavy.yaml", import.meta.url), "utf8");
  const secrets = Object.values(JSON.parse(readFileSync(new URL("../llm/secret-heavy.secrets.json", import.meta.url), "utf8")));
  // A conflicting Gateway right after a Secret: the fix removes it, so the real diff's context holds secrets.
  const at = fixture.indexOf("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: payments-tls");
  const ledger = (name, created) => `---\n${gateway(name, created, "ledger.example.com").replace("number: 443", "number: 9443")}`;
  const text = fixture.slice(0, at) + ledger("ledger-copy", "2025-01-01T00:00:00Z") + fixture.slice(at) + ledger("ledger", "2024-01-01T00:00:00Z");
  await page.goto("/");
  await waitAnalyzed(page, EXAMPLE.length);
  await page.getByTestId("input").fill(text);
  await waitAnalyzed(page, text.length);
  await page.getByRole("tab", { name: "Fix" }).click();
  await expect(page.getByTestId("diff")).toContainText("ledger-copy");
  const realDiff = await page.getByTestId("diff").textContent();
  expect(secrets.some((s) => realDiff.includes(s))).toBe(true); // the real diff does carry secrets
  await page.getByTestId("report-button").click();
  await expect(page.getByTestId("report")).toContainText("# Incident report");
  const report = await page.getByTestId("report").textContent();
  expect(report).toContain("```diff");
  expect(report).toContain("__REDACTED_");
  for (const secret of secrets) expect(report.includes(secret), `a secret leaked: ${secret.slice(0, 6)}…`).toBe(false);
});

test("the folder walk and the report work from the offline single file", async ({ browser }) => {
  const context = await browser.newContext();
  const requests = [];
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  await page.goto(new URL("../../dist/meshmend.html", import.meta.url).href);
  await waitAnalyzed(page, EXAMPLE.length);
  await openFolder(page);
  await page.getByTestId("report-button").click();
  const report = page.getByTestId("report");
  await expect(report).toContainText("`repo/apps/staging.yaml` line");
  await expect(report).toContainText("```diff");
  expect(requests.filter((u) => /^https?:/.test(u))).toEqual([]);
  await context.close();
});
