// Browser tests for "Explain with your LLM" (web/llm.js).
//
// No internet: every provider origin is fulfilled by Playwright context
// routing (context-level, so worker traffic counts too), or rewritten to a
// local mock server on 127.0.0.1 when a test needs a real streamed response.
// Each test asserts on what reached the routing layer: the exact requests,
// headers and bodies the page sent.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import http from "node:http";
import { ALLOWED_ORIGINS, LOCAL_ORIGINS, localOrigin, PROVIDERS } from "../../web/llm/providers.js";
import { buildPrompt } from "../../web/llm/prompt.js";
import { SseParser } from "../../web/llm/send.js";

const here = new URL(".", import.meta.url);
const read = (path) => readFileSync(new URL(path, here), "utf8");

const EXAMPLE = read("../../examples/seed-conflict.yaml");
/** Every secret of the page's preloaded example. */
const EXAMPLE_SECRETS = {
  "postgres-password": "Sup3rS3cret-Pg",
  "aws-access-key-id": "AKIAQ3EGRZ7XB4HV2KPD",
  "aws-secret-access-key": "9dKq2hX8vR+fT4mW1nZ7pL0sY3bC6eJ5aG8uN2xQ",
};
const HEAVY = read("../llm/secret-heavy.yaml");
const HEAVY_SECRETS = JSON.parse(read("../llm/secret-heavy.secrets.json"));
const PLACEHOLDER = /__REDACTED_[A-Z0-9_]*?_\d+__/;

const KEY = "sk-test-meshmend-0123456789abcdef";
const LLM_ORIGINS = ALLOWED_ORIGINS;
const isLlm = (url) => LLM_ORIGINS.includes(new URL(url).origin);

// ---------------------------------------------------------------- mocks

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "*",
  "access-control-allow-methods": "POST, OPTIONS",
};

function sse(events) {
  return events.map(({ event, data }) => `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`).join("");
}

/** A streamed answer in each provider's wire format. */
function streamBody(provider, pieces) {
  if (provider === "anthropic") {
    return sse([
      { event: "message_start", data: JSON.stringify({ type: "message_start", message: { id: "msg_1", content: [] } }) },
      { event: "content_block_start", data: JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) },
      ...pieces.map((text) => ({
        event: "content_block_delta",
        data: JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
      })),
      { event: "content_block_stop", data: JSON.stringify({ type: "content_block_stop", index: 0 }) },
      { event: "message_stop", data: JSON.stringify({ type: "message_stop" }) },
    ]);
  }
  return sse([
    ...pieces.map((content) => ({ data: JSON.stringify({ choices: [{ index: 0, delta: { content } }] }) })),
    { data: "[DONE]" },
  ]);
}

const ENDPOINTS = {
  openai: "https://api.openai.com/v1/chat/completions",
  anthropic: "https://api.anthropic.com/v1/messages",
  "openai-compatible": "http://localhost:11434/v1/chat/completions",
};

/**
 * Routes every LLM origin. `answer(request)` returns a fulfil spec; requests
 * are recorded (method, url, headers, body) in the returned array.
 */
async function mockLlm(context, answer = () => ({ status: 200, sse: ["ok"] })) {
  const seen = [];
  await context.route(
    (url) => isLlm(url.href),
    async (route) => {
      const request = route.request();
      seen.push({ method: request.method(), url: request.url(), headers: request.headers(), body: request.postData() });
      const spec = answer(request);
      if (spec.abort) return route.abort(spec.abort);
      const provider = Object.keys(ENDPOINTS).find((p) => request.url() === ENDPOINTS[p]) ?? "openai";
      return route.fulfill({
        status: spec.status ?? 200,
        headers: {
          // Playwright adds a matching Access-Control-Allow-Origin to fulfilled
          // responses that lack one, so a CORS refusal names another origin.
          ...(spec.cors === false ? { "access-control-allow-origin": "https://not-this-page.example" } : CORS),
          "content-type": spec.sse ? "text/event-stream" : "application/json",
          ...spec.headers,
        },
        body: spec.sse ? streamBody(provider, spec.sse) : JSON.stringify(spec.json ?? {}),
      });
    },
  );
  return seen;
}

/** Records every request to an LLM origin, whether or not it is routed. */
function watchLlm(context) {
  const requests = [];
  context.on("request", (r) => isLlm(r.url()) && requests.push(`${r.method()} ${r.url()}`));
  return requests;
}

// ---------------------------------------------------------------- page flow

async function loadPage(page, text) {
  await page.goto("/");
  await expect(page.getByTestId("finding").first()).toBeVisible({ timeout: 30_000 });
  if (text !== undefined) {
    await page.getByTestId("input").fill(text);
    // Wait until this text (not the example) is analyzed and redacted (the
    // Redacted tab starts redaction: the engines module loads on first need).
    await expect(page.locator("html")).toHaveAttribute("data-analyzed", String(text.length), { timeout: 30_000 });
    await page.locator("#tab-redacted").click();
    await expect(page.getByTestId("redacted")).toContainText("__REDACTED_PRIVATE_KEY_", { timeout: 30_000 });
    await page.locator("#tab-findings").click();
  }
}

async function openPanel(page) {
  await expect(page.locator("#llm-slot")).toBeVisible(); // llm.js mounted
  const panel = page.locator("#llm-panel");
  if (!(await panel.evaluate((d) => d.open))) await panel.locator("summary").click();
  await page.getByTestId("llm-enable").check();
}

/** Fills the panel and opens the preview; returns the exact body shown. */
async function preview(page, { provider = "openai", key = KEY, baseUrl, model } = {}) {
  await openPanel(page);
  await page.getByTestId("llm-provider").selectOption(provider);
  if (baseUrl !== undefined) await page.getByTestId("llm-base-url").fill(baseUrl);
  if (model !== undefined) await page.getByTestId("llm-model").fill(model);
  if (key) await page.getByTestId("llm-key").fill(key);
  await page.getByTestId("llm-send").click();
  await expect(page.getByTestId("llm-preview")).toBeVisible();
  await expect(page.getByTestId("llm-confirm")).toBeEnabled();
  return page.getByTestId("llm-preview").textContent();
}

async function explain(page, options) {
  const body = await preview(page, options);
  await page.getByTestId("llm-confirm").click();
  return body;
}

const output = (page) => page.getByTestId("llm-output");
const errorBox = (page) => page.getByTestId("llm-error");

async function expectNoKeyStored(page, context) {
  const stored = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookie: document.cookie,
    url: location.href,
    inputs: [...document.querySelectorAll("input, textarea")].map((el) => el.value).join("\n"),
  }));
  for (const [where, value] of Object.entries(stored)) {
    expect(value, `key found in ${where}`).not.toContain(KEY);
  }
  for (const cookie of await context.cookies()) expect(cookie.value).not.toContain(KEY);
}

function expectNoSecrets(text, secrets, what) {
  for (const [name, secret] of Object.entries(secrets)) {
    expect(text.includes(secret), `${what} leaks ${name}`).toBe(false);
    expect(text.includes(JSON.stringify(secret).slice(1, -1)), `${what} leaks ${name} (escaped)`).toBe(false);
  }
}

// ---------------------------------------------------------------- unit checks (Node)

test.describe("llm.js units", () => {
  test("allowed origins are exactly the page CSP's connect-src", () => {
    const html = read("../../web/index.html");
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
    const connect = csp.split(";").map((d) => d.trim().split(/\s+/)).find(([name]) => name === "connect-src");
    expect(connect.slice(1).filter((s) => s !== "'self'").sort()).toEqual([...ALLOWED_ORIGINS].sort());
  });

  // The guard's matching (raw, JSON-escaped, \\u-escaped, PEM key lines) is
  // the core's, tested in crates/meshmend_core/src/redact/leak.rs; the page
  // tests below check it through the worker.

  test("SSE events split across chunks and CRLF are reassembled", () => {
    const parser = new SseParser();
    const wire = 'event: content_block_delta\r\ndata: {"a":\r\n\r\n: comment\n\ndata: 1\ndata: 2\n\ndata: tail';
    const events = [];
    for (let i = 0; i < wire.length; i += 3) events.push(...parser.push(wire.slice(i, i + 3)));
    events.push(...parser.finish());
    expect(events).toEqual([
      { event: "content_block_delta", data: '{"a":' },
      { event: "message", data: "1\n2" },
      { event: "message", data: "tail" },
    ]);
  });

  test("local base URLs: CSP origins only, OpenAI path only", () => {
    for (const origin of LOCAL_ORIGINS) {
      expect(localOrigin(origin)).toBe(origin);
      expect(localOrigin(`${origin}/v1/`)).toBe(origin);
    }
    for (const bad of ["http://localhost:8080", "https://api.groq.com/openai/v1", "http://192.168.1.5:11434", "file:///etc"]) {
      expect(() => localOrigin(bad)).toThrow(/Content-Security-Policy/);
    }
    expect(() => localOrigin("http://localhost:11434/api/chat")).toThrow(/\/v1\/chat\/completions/);
    expect(() => localOrigin("not a url")).toThrow(/not a URL/);
  });

  test("prompt fences survive backticks in the material", () => {
    const { user } = buildPrompt({ files: [{ name: "a.yaml", text: "x: ```\n" }], findings: [], diff: "" });
    expect(user).toContain("````yaml\nx: ```\n````");
    expect(PROVIDERS.anthropic.headers("k")["anthropic-dangerous-direct-browser-access"]).toBe("true");
  });
});

// ---------------------------------------------------------------- browser

test.describe("explain with your LLM", () => {
  test("off or without consent: zero requests to any LLM origin during a full flow", async ({ page, context }) => {
    const requests = watchLlm(context);
    const routed = await mockLlm(context);
    await loadPage(page);
    // Panel collapsed and disabled by default.
    await expect(page.locator("#llm-panel")).not.toHaveAttribute("open", "");
    await expect(page.getByTestId("llm-enable")).not.toBeChecked();
    await expect(page.getByTestId("llm-send")).toBeDisabled();
    // A full flow with the feature off: every strategy, the redacted view.
    await page.locator("#tab-fix").click();
    const strategies = await page.getByTestId("strategy").locator("option").evaluateAll((os) => os.map((o) => o.value));
    for (const value of strategies) {
      await page.getByTestId("strategy").selectOption(value);
      await expect(page.getByTestId("diff")).not.toBeEmpty();
    }
    await page.locator("#tab-redacted").click();
    await page.getByTestId("input").fill(HEAVY);
    await expect(page.getByTestId("redacted")).toContainText("__REDACTED_PRIVATE_KEY_", { timeout: 30_000 });
    // Opened, enabled, key typed, preview shown — but never confirmed.
    await preview(page, { provider: "openai" });
    await preview(page, { provider: "anthropic" });
    await preview(page, { provider: "openai-compatible", key: "" });
    await page.getByTestId("llm-enable").uncheck();
    await page.waitForTimeout(300);
    expect(requests).toEqual([]);
    expect(routed).toEqual([]);
  });

  for (const provider of ["openai", "anthropic", "openai-compatible"]) {
    test(`${provider}: one request per confirm, right headers, redacted body only`, async ({ page, context }) => {
      const requests = watchLlm(context);
      const routed = await mockLlm(context, () => ({ sse: ["The two Gateways ", "both claim 443."] }));
      await loadPage(page);
      const input = await page.getByTestId("input").inputValue();
      for (const secret of Object.values(EXAMPLE_SECRETS)) expect(input).toContain(secret); // list is current

      const body = await explain(page, { provider, key: provider === "openai-compatible" ? "" : KEY });
      await expect(output(page)).toHaveText("The two Gateways both claim 443.");
      expect(routed).toHaveLength(1);
      expect(requests).toEqual([`POST ${ENDPOINTS[provider]}`]);
      const sent = routed[0];
      expect(sent.method).toBe("POST");
      expect(sent.url).toBe(ENDPOINTS[provider]);
      expect(sent.body).toBe(body); // the preview is the exact body
      expect(sent.headers["content-type"]).toBe("application/json");
      if (provider === "openai") {
        expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(sent.headers["x-api-key"]).toBeUndefined();
      } else if (provider === "anthropic") {
        expect(sent.headers["x-api-key"]).toBe(KEY);
        expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
        expect(sent.headers["anthropic-dangerous-direct-browser-access"]).toBe("true");
        expect(sent.headers.authorization).toBeUndefined();
      } else {
        expect(sent.headers.authorization).toBeUndefined(); // no key given, none sent
      }
      expect(sent.headers.cookie).toBeUndefined();
      expect(sent.headers.referer).toBeUndefined();

      const json = JSON.parse(sent.body);
      expect(json.stream).toBe(true);
      expect(json.model).toBe(PROVIDERS[provider].defaultModel);
      expect(sent.body).toMatch(PLACEHOLDER);
      expect(sent.body).toContain("MM1"); // the findings are in
      expectNoSecrets(sent.body, EXAMPLE_SECRETS, `${provider} body`);

      // A second explain is a second, separate confirm: one request each, no retries.
      await page.getByTestId("llm-send").click();
      await page.getByTestId("llm-confirm").click();
      await expect(page.getByTestId("llm-status")).toHaveText("Done.");
      expect(routed).toHaveLength(2);
    });
  }

  test("secret-heavy input: the body holds placeholders and none of the secrets", async ({ page, context }) => {
    const routed = await mockLlm(context, () => ({ sse: ["fine"] }));
    await loadPage(page, HEAVY);
    const body = await explain(page, { provider: "anthropic" });
    await expect(page.getByTestId("llm-status")).toHaveText("Done.");
    expect(routed).toHaveLength(1);
    expect(routed[0].body).toBe(body);
    expect(body).toMatch(PLACEHOLDER);
    expectNoSecrets(body, HEAVY_SECRETS, "request body");
    expectNoSecrets(await page.getByTestId("llm-preview").textContent(), HEAVY_SECRETS, "preview");
  });

  test("the final guard refuses when the redactor is bypassed", async ({ page, context }) => {
    const requests = watchLlm(context);
    const routed = await mockLlm(context);
    await loadPage(page);
    // 1. Secret injected into the material before the body is built: refused at preview.
    await page.evaluate((secret) => {
      window.__meshmendLlmTest = {
        tamperMaterial: (m) => ({ ...m, files: m.files.map((f) => ({ ...f, text: `${f.text}\n# ${secret}\n` })) }),
      };
    }, EXAMPLE_SECRETS["aws-secret-access-key"]);
    await openPanel(page);
    await page.getByTestId("llm-key").fill(KEY);
    await page.getByTestId("llm-send").click();
    await expect(errorBox(page)).toHaveAttribute("data-kind", "guard");
    await expect(errorBox(page)).toContainText("Refused to send");
    await expect(errorBox(page)).not.toContainText(EXAMPLE_SECRETS["aws-secret-access-key"]);
    await expect(page.getByTestId("llm-confirm")).toBeDisabled();

    // 2. Body tampered after a clean preview, right before fetch (JSON-escaped form).
    await page.evaluate((secret) => {
      window.__meshmendLlmTest = {
        tamperBody: (body) => body.replace(/__REDACTED_[A-Z0-9_]*?_\d+__/, JSON.stringify(secret).slice(1, -1)),
      };
    }, EXAMPLE_SECRETS["postgres-password"]);
    await page.getByTestId("llm-send").click();
    await expect(page.getByTestId("llm-confirm")).toBeEnabled();
    await page.getByTestId("llm-confirm").click();
    await expect(errorBox(page)).toHaveAttribute("data-kind", "guard");
    await page.waitForTimeout(200);
    expect(requests).toEqual([]);
    expect(routed).toEqual([]);
  });

  test("the diff sent is the fix the Fix tab shows (redacted view), not a second fix", async ({ page, context }) => {
    // Record every operation the page asks of the worker.
    await page.addInitScript(() => {
      window.__workerOps = [];
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        if (message?.op) window.__workerOps.push(message.op);
        return post.call(this, message, ...rest);
      };
    });
    const routed = await mockLlm(context, () => ({ sse: ["ok"] }));
    await loadPage(page);
    await page.locator("#tab-fix").click();
    await page.locator('input[name="values"][value="redacted"]').check();
    // The diff renders once the fix (engines module) has answered.
    await expect(page.getByTestId("diff")).toContainText("--- a/seed-conflict.yaml");
    const shown = await page.getByTestId("diff").textContent();
    await page.evaluate(() => (window.__workerOps.length = 0));
    const body = await explain(page, { provider: "openai" });
    await expect(page.getByTestId("llm-status")).toHaveText("Done.");
    expect(routed).toHaveLength(1);
    const user = JSON.parse(body).messages.find((m) => m.role === "user").content;
    expect(user).toContain(`Proposed fix (unified diff on the redacted manifests):\n\`\`\`diff\n${shown}\`\`\``);
    // The request reuses the computed fix: the worker was never asked for another.
    expect(await page.evaluate(() => window.__workerOps)).not.toContain("fix");
    expectNoSecrets(body, EXAMPLE_SECRETS, "body");
  });

  test("the guard knows every secret of the secret-heavy fixture", async ({ page, context }) => {
    const requests = watchLlm(context);
    await loadPage(page, HEAVY);
    await openPanel(page);
    await page.getByTestId("llm-key").fill(KEY);
    for (const [name, secret] of Object.entries(HEAVY_SECRETS)) {
      // Bypass the redactor for this one secret: put its original input line
      // back into the material (the line holds the whole value the vault knows).
      const line = HEAVY.split("\n").find((l) => l.includes(secret));
      await page.evaluate((value) => {
        window.__meshmendLlmTest = {
          tamperMaterial: (m) => ({ ...m, files: [...m.files, { name: "leak.txt", text: value }] }),
        };
      }, line);
      await page.getByTestId("llm-send").click();
      await expect(errorBox(page), name).toHaveAttribute("data-kind", "guard");
      await expect(errorBox(page), name).not.toContainText(secret);
    }
    expect(requests).toEqual([]);
  });

  test("the key is never stored: not in storage, cookies or the URL, before or after reload", async ({ page, context }) => {
    await mockLlm(context, () => ({ sse: ["answer"] }));
    await loadPage(page);
    await explain(page, { provider: "openai" });
    await expect(page.getByTestId("llm-status")).toHaveText("Done.");
    await expect(page.getByTestId("llm-key")).toHaveValue("");
    await expectNoKeyStored(page, context);
    await page.reload();
    await expect(page.getByTestId("finding").first()).toBeVisible({ timeout: 30_000 });
    await expectNoKeyStored(page, context);
    await expect(page.getByTestId("llm-enable")).not.toBeChecked();

    // "Remember for this tab" is an explicit opt-in, and "Forget key" wipes it.
    await openPanel(page);
    await page.getByTestId("llm-key").fill(KEY);
    await page.getByTestId("llm-remember").check();
    expect(await page.evaluate(() => Object.values(sessionStorage).join())).toContain(KEY);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(KEY);
    await page.getByTestId("llm-forget").click();
    await expectNoKeyStored(page, context);
  });

  test("streamed answer renders incrementally, as text; a <script> is shown, not run", async ({ page, context }) => {
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    const server = http.createServer(async (req, res) => {
      if (req.method === "OPTIONS") return res.writeHead(204, CORS).end();
      res.writeHead(200, { ...CORS, "content-type": "text/event-stream" });
      res.write(streamBody("openai", ["First <b>part</b>. "]).replace("data: [DONE]\n\n", ""));
      await gate;
      res.end(streamBody("openai", ['<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">']));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const local = `http://127.0.0.1:${server.address().port}`;
    // The page talks to Ollama's allowed origin; the browser is rewired to the mock.
    await context.route("http://localhost:11434/**", (route) =>
      route.continue({ url: route.request().url().replace("http://localhost:11434", local) }),
    );
    try {
      await loadPage(page);
      await explain(page, { provider: "openai-compatible", key: "" });
      await expect(output(page)).toHaveText("First <b>part</b>. ");
      await expect(page.getByTestId("llm-status")).toHaveText("Receiving…");
      release();
      await expect(page.getByTestId("llm-status")).toHaveText("Done.");
      await expect(output(page)).toHaveText(
        'First <b>part</b>. <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">',
      );
      expect(await output(page).locator("*").count()).toBe(0);
      expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    } finally {
      release();
      server.close();
    }
  });

  test("placeholders in the answer are rehydrated locally only on request", async ({ page, context }) => {
    let answer = ["unused"];
    const routed = await mockLlm(context, () => ({ sse: answer }));
    await loadPage(page);
    const body = await preview(page, { provider: "openai" });
    const placeholder = body.match(PLACEHOLDER)[0];
    answer = [`Rotate ${placeholder} `, "now."];
    await page.getByTestId("llm-confirm").click();
    await expect(output(page)).toHaveText(`Rotate ${placeholder} now.`);
    await page.getByTestId("llm-rehydrate").check();
    await expect(output(page)).not.toContainText(placeholder);
    const shown = await output(page).textContent();
    expect(Object.values(EXAMPLE_SECRETS).some((s) => shown.includes(s))).toBe(true);
    await page.getByTestId("llm-rehydrate").uncheck();
    await expect(output(page)).toHaveText(`Rotate ${placeholder} now.`);
    expect(routed).toHaveLength(1); // rehydration is local: no request
  });

  test("placeholders the model changed or invented are named, not passed off as values", async ({ page, context }) => {
    let answer = ["unused"];
    await mockLlm(context, () => ({ sse: answer }));
    await loadPage(page);
    const body = await preview(page, { provider: "openai" });
    const placeholder = body.match(PLACEHOLDER)[0];
    const mangled = placeholder.slice(0, -1); // one underscore lost
    answer = [`Rotate ${placeholder}, ${mangled} and __REDACTED_PASSWORD_99__; UNREDACTED_NOTE is prose.`];
    await page.getByTestId("llm-confirm").click();
    await expect(output(page)).toContainText("__REDACTED_PASSWORD_99__");
    const note = page.getByTestId("llm-unknown-placeholders");
    await expect(note).toBeHidden();
    await page.getByTestId("llm-rehydrate").check();
    await expect(output(page)).not.toContainText(`${placeholder},`);
    await expect(note).toBeVisible();
    await expect(note).toContainText(`2 placeholder-like tokens in the answer did not come from this page`);
    await expect(note).toContainText(`${mangled}, __REDACTED_PASSWORD_99__`);
    await expect(note).not.toContainText("UNREDACTED_NOTE");
    await page.getByTestId("llm-rehydrate").uncheck();
    await expect(note).toBeHidden();
  });

  const failures = [
    {
      name: "401 bad key",
      spec: { status: 401, json: { error: { message: `Incorrect API key provided: ${KEY}`, type: "invalid_request_error" } } },
      kind: "http-401",
      text: /rejected the API key \(401/,
    },
    {
      name: "429 rate limit",
      spec: { status: 429, headers: { "retry-after": "20", "access-control-expose-headers": "retry-after" }, json: { error: { message: "Rate limit reached" } } },
      kind: "http-429",
      text: /429 Too Many Requests\). Nothing is retried automatically; wait 20 s/,
    },
    { name: "network failure", spec: { abort: "connectionrefused" }, kind: "network", text: /Could not reach https:\/\/api\.openai\.com/ },
    {
      name: "CORS refused (Access-Control-Allow-Origin for another origin)",
      spec: { status: 200, cors: false, sse: ["never readable"] },
      kind: "network",
      text: /refused the answer \(CORS\)/,
    },
    {
      name: "organization policy blocks browser access",
      provider: "anthropic",
      spec: {
        status: 401,
        json: { type: "error", error: { type: "authentication_error", message: "CORS requests are not allowed for this Organization because of its settings." } },
      },
      kind: "org-policy",
      text: /organization admin has disabled direct browser/,
    },
  ];
  for (const { name, provider = "openai", spec, kind, text } of failures) {
    test(`error path: ${name}`, async ({ page, context }) => {
      const routed = await mockLlm(context, () => spec);
      await loadPage(page);
      await explain(page, { provider });
      await expect(errorBox(page)).toHaveAttribute("data-kind", kind);
      await expect(errorBox(page)).toContainText(text);
      await expect(errorBox(page)).not.toContainText(KEY); // scrubbed from provider messages
      await page.waitForTimeout(300);
      expect(routed).toHaveLength(1); // no automatic retry
    });
  }

  test("timeout and cancel abort the request without retrying", async ({ page, context }) => {
    const routed = [];
    await context.route(
      (url) => isLlm(url.href),
      (route) => routed.push(route), // never answered
    );
    await loadPage(page);
    await page.evaluate(() => (window.__meshmendLlmTest = { timeoutMs: 500 }));
    await explain(page, { provider: "openai" });
    await expect(errorBox(page)).toHaveAttribute("data-kind", "timeout");
    await expect(errorBox(page)).toContainText("No data from OpenAI for 0.5 s");
    await page.evaluate(() => (window.__meshmendLlmTest = {}));
    await page.getByTestId("llm-send").click();
    await page.getByTestId("llm-confirm").click();
    await expect(page.getByTestId("llm-cancel")).toBeEnabled();
    await page.getByTestId("llm-cancel").click();
    await expect(errorBox(page)).toHaveAttribute("data-kind", "cancelled");
    expect(routed).toHaveLength(2);
  });

  test("the offline single file (file://) carries the panel and calls the provider only after consent", async ({ browser }) => {
    const context = await browser.newContext();
    const requests = watchLlm(context);
    const routed = await mockLlm(context, () => ({ sse: ["from file://"] }));
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(new URL("../../dist/meshmend.html", import.meta.url).href);
    await expect(page.getByTestId("finding").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("llm-enable")).not.toBeChecked();
    expect(requests).toEqual([]);
    const body = await explain(page, { provider: "openai" });
    await expect(output(page)).toHaveText("from file://");
    expect(routed).toHaveLength(1);
    expect(routed[0].body).toBe(body);
    expect(routed[0].headers.origin).toBe("null"); // an opaque origin: no page URL leaks
    expectNoSecrets(body, EXAMPLE_SECRETS, "file:// body");
    expect(errors).toEqual([]);
    await context.close();
  });

  test("an endpoint outside the CSP is refused with the reason", async ({ page, context }) => {
    const requests = watchLlm(context);
    await loadPage(page);
    await openPanel(page);
    await page.getByTestId("llm-provider").selectOption("openai-compatible");
    await page.getByTestId("llm-base-url").fill("https://api.groq.com/openai/v1");
    await page.getByTestId("llm-send").click();
    await expect(errorBox(page)).toHaveAttribute("data-kind", "endpoint");
    await expect(errorBox(page)).toContainText("Content-Security-Policy (connect-src)");
    await expect(errorBox(page)).toContainText("cannot widen its own policy");
    await expect(page.getByTestId("llm-confirm")).toBeDisabled();
    expect(requests).toEqual([]);
  });
});
