// Shared helpers for the browser specs.
import { readFileSync } from "node:fs";
import { expect } from "@playwright/test";

/** The looks every screenshot test takes: both colour schemes on a laptop and a phone. */
export const COLOR_SCHEMES = ["light", "dark"];
export const VIEWPORTS = [
  ["laptop", { width: 1366, height: 860 }],
  ["phone", { width: 390, height: 844 }],
];

export const EXAMPLE = readFileSync(new URL("../../examples/seed-conflict.yaml", import.meta.url), "utf8");

/** Secret values in examples/seed-conflict.yaml that must never be shown redacted or sent. */
export const EXAMPLE_SECRETS = [
  "Sup3rS3cret-Pg",
  "AKIAQ3EGRZ7XB4HV2KPD",
  "9dKq2hX8vR+fT4mW1nZ7pL0sY3bC6eJ5aG8uN2xQ",
];

/**
 * Records every request of the context (pages and workers) whose origin is
 * not `origin`, and aborts it at the network layer.
 */
export async function watchForeignTraffic(context, origin) {
  const log = { requests: [], responses: [], failed: [], routed: [] };
  const foreign = (url) => {
    if (url.startsWith("data:") || url.startsWith("blob:")) return false;
    return new URL(url).origin !== origin;
  };
  context.on("request", (r) => foreign(r.url()) && log.requests.push(r.url()));
  context.on("response", (r) => foreign(r.url()) && log.responses.push(r.url()));
  context.on("requestfailed", (r) => foreign(r.url()) && log.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  await context.route(
    (url) => foreign(url.href),
    (route) => {
      log.routed.push(route.request().url());
      return route.abort();
    },
  );
  return log;
}

/** Collects CSP violations (`securitypolicyviolation`) in `window.__violations`. */
export async function recordViolations(context) {
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
  });
}

/** Waits until the wasm is ready and the results on screen cover `chars` characters of input. */
export async function waitAnalyzed(page, chars, timeout = 30_000) {
  await expect(page.locator("html")).toHaveAttribute("data-capabilities", /analyze/, { timeout });
  await expect(page.locator("html")).toHaveAttribute("data-analyzed", String(chars), { timeout });
}

/**
 * Waits until the redaction and fix on screen cover `chars` characters of
 * input. They are computed only once the page first needs the engines module
 * (the Redacted or Fix tab, the LLM panel, Ctrl+S, the report): call after that.
 */
export async function waitEngines(page, chars, timeout = 30_000) {
  await expect(page.locator("html")).toHaveAttribute("data-engines", String(chars), { timeout });
}

export async function capabilities(page) {
  const value = await page.locator("html").getAttribute("data-capabilities");
  return new Set((value ?? "").split(" ").filter(Boolean));
}

/** Names of the rules this build registers (from the help dialog's rule index). */
export async function registeredRules(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("#rule-index li button"), (b) => b.textContent.split(" ")[1]),
  );
}

/** A realistic YAML stream of about `bytes` bytes: the example plus many unrelated Services. */
export function largeManifest(bytes) {
  const parts = [EXAMPLE];
  let size = EXAMPLE.length;
  for (let i = 0; size < bytes; i++) {
    const doc = `---
# generated service ${i}
apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: team-${i % 50}
  labels:
    app: svc-${i}
    tier: backend
spec:
  type: ClusterIP
  selector:
    app: svc-${i}
  ports:
    - name: http
      port: 80
      targetPort: 8080
    - name: metrics
      port: 9090
      targetPort: 9090
`;
    parts.push(doc);
    size += doc.length;
  }
  return parts.join("");
}
