// Sending one prepared request and reading the streamed answer. One request
// per confirm: no retries. Timeout and cancel via AbortController; the key
// is scrubbed from any error text.

import { LlmError, providerError } from "./errors.js";
import { guardBody } from "./guard.js";
import { ALLOWED_ORIGINS, PROVIDERS, cspRefusal } from "./providers.js";

/** Idle timeout: abort if no byte arrives for this long (first byte included). */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Incremental Server-Sent Events parser (the subset providers use). */
export class SseParser {
  constructor() {
    this.buffer = "";
  }

  /** Feeds a decoded chunk; returns the complete events `{event, data}` it finished. */
  push(chunk) {
    this.buffer += chunk;
    const events = [];
    let match;
    const boundary = /\r\n\r\n|\n\n|\r\r/;
    while ((match = boundary.exec(this.buffer))) {
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = parseSseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }

  /** Returns the last event if the stream ended without a blank line. */
  finish() {
    const event = parseSseBlock(this.buffer);
    this.buffer = "";
    return event ? [event] : [];
  }
}

function parseSseBlock(block) {
  let event = "message";
  const data = [];
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (!line || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? { event, data: data.join("\n") } : null;
}


function scrub(text, key) {
  let out = String(text ?? "");
  if (key && key.length >= 4) out = out.split(key).join("[your key]");
  return out.length > 400 ? `${out.slice(0, 400)}…` : out;
}

async function readProviderMessage(response, key) {
  let text = "";
  try {
    text = await response.text();
  } catch {
    return "";
  }
  let message = text;
  try {
    const json = JSON.parse(text);
    message =
      (typeof json.error === "string" ? json.error : json.error?.message) ?? json.message ?? text;
  } catch {
    // keep raw text
  }
  return scrub(message, key).trim();
}

const ORG_POLICY = /CORS requests are not allowed for this Organization|organization.*(browser|CORS)/i;

async function httpError(provider, response, key) {
  const detail = await readProviderMessage(response, key);
  const said = detail ? ` The provider said: "${detail}"` : "";
  const { status } = response;
  if (ORG_POLICY.test(detail)) {
    return new LlmError(
      "org-policy",
      `${provider.label} refused browser access for this key's organization (${status}): an ` +
        "organization admin has disabled direct browser (CORS) requests. The page cannot work " +
        `around that; ask an admin, or use a key from another organization.${said}`,
    );
  }
  if (status === 401) {
    return new LlmError(
      "http-401",
      `${provider.label} rejected the API key (401 Unauthorized). Check that the key is ` +
        `correct, active, and belongs to ${provider.label}.${said}`,
    );
  }
  if (status === 403) {
    const local =
      provider.id === "openai-compatible"
        ? ` A local server answers 403 when it does not allow this page's origin ` +
          `(${pageOriginForServers()}): for Ollama set OLLAMA_ORIGINS to it.`
        : " The key may lack permission for this model or endpoint.";
    return new LlmError("http-403", `${provider.label} refused the request (403 Forbidden).${local}${said}`);
  }
  if (status === 429) {
    const retry = response.headers.get("retry-after");
    return new LlmError(
      "http-429",
      `${provider.label} is rate-limiting this key or its quota is used up (429 Too Many ` +
        `Requests). Nothing is retried automatically; wait${retry ? ` ${retry} s` : ""} and ` +
        `send again, or check your plan's limits.${said}`,
    );
  }
  return new LlmError(
    "http",
    `${provider.label} answered ${status} ${response.statusText || ""}.`.replace(" .", ".") + said,
  );
}

function pageOriginForServers() {
  const origin = globalThis.location?.origin;
  return origin && origin !== "null" ? origin : "file://";
}

function networkError(provider, url) {
  const origin = new URL(url).origin;
  if (provider.id === "openai-compatible") {
    return new LlmError(
      "network",
      `Could not reach ${origin}. Is the server running there? Browsers accept its answer ` +
        "only if it allows this page's origin: Ollama allows localhost pages by default, " +
        `otherwise set OLLAMA_ORIGINS=${pageOriginForServers()}; LM Studio needs "Enable CORS" ` +
        "in its Developer server settings (or lms server start --cors). Nothing was retried.",
    );
  }
  const org =
    provider.id === "anthropic"
      ? " If your Anthropic organization has disabled direct browser access, an admin must allow it."
      : "";
  return new LlmError(
    "network",
    `Could not reach ${origin}: the network is down, a proxy or extension blocked the request, ` +
      `or the browser refused the answer (CORS).${org} Nothing was retried.`,
  );
}

/**
 * Sends a prepared request once. Calls `onText(delta)` as text arrives and
 * resolves with the full answer. Throws `LlmError`.
 * @param {ReturnType<typeof prepareRequest>} prepared
 * @param {{keys: ReturnType<typeof createKeyStore>, leaks: (body: string) => Promise<string[]>, signal?: AbortSignal,
 *   timeoutMs?: number, onText?: (t: string) => void, fetchImpl?: typeof fetch}} options
 */
export async function sendRequest(prepared, options) {
  const provider = PROVIDERS[prepared.provider];
  const { keys, leaks, signal, onText = () => {}, fetchImpl = globalThis.fetch } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Re-check the endpoint and the body right before the network is touched.
  if (!ALLOWED_ORIGINS.includes(new URL(prepared.url).origin)) throw cspRefusal(prepared.url);
  await guardBody(prepared.body, leaks);
  return keys.withKey(prepared.provider, async (key) => {
    if (provider.keyRequired && !key) {
      throw new LlmError("key", `Enter your ${provider.label} API key first.`);
    }
    const controller = new AbortController();
    let timedOut = false;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
    };
    const cancel = () => controller.abort();
    if (signal?.aborted) throw new LlmError("cancelled", "Cancelled before sending.");
    signal?.addEventListener("abort", cancel, { once: true });
    const aborted = () =>
      timedOut
        ? new LlmError(
            "timeout",
            `No data from ${provider.label} for ${+(timeoutMs / 1000).toFixed(1)} s; the request ` +
              "was cancelled. Nothing is retried automatically.",
          )
        : new LlmError("cancelled", "Cancelled. Anything received so far is kept below.");
    arm();
    let answer = "";
    try {
      let response;
      try {
        response = await fetchImpl(prepared.url, {
          method: "POST",
          headers: provider.headers(key),
          body: prepared.body,
          signal: controller.signal,
          credentials: "omit",
          referrerPolicy: "no-referrer",
          cache: "no-store",
          redirect: "error",
          mode: "cors",
        });
      } catch {
        throw controller.signal.aborted ? aborted() : networkError(provider, prepared.url);
      }
      arm();
      if (!response.ok) throw await httpError(provider, response, key);
      const type = response.headers.get("content-type") ?? "";
      if (!type.includes("text/event-stream") || !response.body) {
        const text = await response.text();
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          throw new LlmError("provider", `Unexpected answer (not JSON or SSE): ${scrub(text, key)}`);
        }
        if (json.error) throw providerError(json);
        answer = provider.final(json);
        onText(answer);
        return answer;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      let done = false;
      while (!done) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch {
          throw controller.signal.aborted ? aborted() : networkError(provider, prepared.url);
        }
        arm();
        const events = chunk.done ? parser.finish() : parser.push(chunk.value);
        for (const { event, data } of events) {
          let step;
          try {
            step = provider.event(event, data);
          } catch (error) {
            if (error instanceof LlmError) throw error;
            continue; // a malformed event is skipped, not fatal
          }
          if (step.text) {
            answer += step.text;
            onText(step.text);
          }
          if (step.done) done = true;
        }
        if (chunk.done) break;
      }
      if (done) reader.cancel().catch(() => {});
      return answer;
    } catch (error) {
      if (error instanceof LlmError) {
        error.partial = answer;
        error.message = scrub(error.message, key);
        throw error;
      }
      throw new LlmError("provider", scrub(String(error?.message ?? error), key));
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
    }
  });
}
