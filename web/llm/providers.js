// The providers the panel can talk to: their endpoints, headers, request
// shapes and stream events, and the origins the page's CSP allows. Only the
// origins in the page's CSP `connect-src` can be reached; a page cannot widen
// its own policy, so other endpoints are refused with a reason.

import { LlmError, providerError } from "./errors.js";

/** Local OpenAI-compatible servers the CSP allows (Ollama, LM Studio). */
export const LOCAL_ORIGINS = Object.freeze([
  "http://localhost:11434",
  "http://127.0.0.1:11434",
  "http://localhost:1234",
  "http://127.0.0.1:1234",
]);

/** Every origin this module may contact: exactly the CSP's connect-src minus 'self'. */
export const ALLOWED_ORIGINS = Object.freeze([
  "https://api.openai.com",
  "https://api.anthropic.com",
  ...LOCAL_ORIGINS,
]);


// ---------------------------------------------------------------------------
// Providers

function openAiBody({ model, system, user }) {
  return {
    model,
    stream: true,
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
  };
}

function openAiEvent(event, data) {
  if (data === "[DONE]") return { done: true };
  const json = JSON.parse(data);
  if (json.error) throw providerError(json);
  return { text: json.choices?.[0]?.delta?.content ?? "" };
}

function openAiFinal(json) {
  return json.choices?.[0]?.message?.content ?? "";
}

function anthropicEvent(event, data) {
  const json = JSON.parse(data);
  const type = json.type ?? event;
  if (type === "error") throw providerError(json);
  if (type === "message_stop") return { done: true };
  if (type === "content_block_delta" && json.delta?.type === "text_delta") {
    return { text: json.delta.text ?? "" };
  }
  return { text: "" };
}

function anthropicFinal(json) {
  return (json.content ?? [])
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("");
}

/** The three provider shapes. Headers never include the key until send time. */
export const PROVIDERS = Object.freeze({
  openai: Object.freeze({
    id: "openai",
    label: "OpenAI",
    defaultModel: "gpt-5-mini",
    keyRequired: true,
    endpoint: () => "https://api.openai.com/v1/chat/completions",
    headers: (key) => ({ "content-type": "application/json", authorization: `Bearer ${key}` }),
    body: openAiBody,
    event: openAiEvent,
    final: openAiFinal,
  }),
  anthropic: Object.freeze({
    id: "anthropic",
    label: "Anthropic",
    defaultModel: "claude-sonnet-4-5",
    keyRequired: true,
    endpoint: () => "https://api.anthropic.com/v1/messages",
    headers: (key) => ({
      "content-type": "application/json",
      "x-api-key": key,
      "anthropic-version": "2023-06-01",
      // Anthropic answers CORS preflights only with this explicit opt-in.
      "anthropic-dangerous-direct-browser-access": "true",
    }),
    body: ({ model, system, user }) => ({
      model,
      max_tokens: 2048,
      stream: true,
      system,
      messages: [{ role: "user", content: user }],
    }),
    event: anthropicEvent,
    final: anthropicFinal,
  }),
  "openai-compatible": Object.freeze({
    id: "openai-compatible",
    label: "local OpenAI-compatible server",
    defaultModel: "llama3.2",
    defaultBaseUrl: "http://localhost:11434",
    keyRequired: false,
    endpoint: (baseUrl) => `${localOrigin(baseUrl)}/v1/chat/completions`,
    // Local servers ignore the key unless the user enabled auth; send it only if given.
    headers: (key) =>
      key
        ? { "content-type": "application/json", authorization: `Bearer ${key}` }
        : { "content-type": "application/json" },
    body: openAiBody,
    event: openAiEvent,
    final: openAiFinal,
  }),
});

export function cspRefusal(what) {
  return new LlmError(
    "endpoint",
    `${what} is not reachable from this page. Its Content-Security-Policy (connect-src) ` +
      `allows exactly: ${ALLOWED_ORIGINS.join(", ")}. A page cannot widen its own policy ` +
      "at runtime, so other endpoints are refused. To use another one, serve your own copy " +
      "of the page with that origin added to connect-src in index.html.",
  );
}

/**
 * The origin of a local OpenAI-compatible base URL, or an `endpoint` error.
 * Accepts `http://localhost:11434`, `.../`, `.../v1`, `.../v1/chat/completions`.
 */
export function localOrigin(baseUrl) {
  const text = String(baseUrl ?? "").trim();
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new LlmError("endpoint", `"${text}" is not a URL. Use e.g. http://localhost:11434.`);
  }
  if (!LOCAL_ORIGINS.includes(url.origin)) throw cspRefusal(url.origin);
  const path = url.pathname.replace(/\/+$/, "");
  if (!["", "/v1", "/v1/chat/completions"].includes(path) || url.search || url.hash) {
    throw new LlmError(
      "endpoint",
      `Only the OpenAI-compatible path /v1/chat/completions is used; give the base URL ` +
        `without another path (e.g. ${url.origin}).`,
    );
  }
  return url.origin;
}

/** The endpoint URL for a provider, refusing anything outside the CSP allow-list. */
export function endpointFor(providerId, baseUrl) {
  const provider = PROVIDERS[providerId];
  if (!provider) throw new LlmError("endpoint", `Unknown provider "${providerId}".`);
  const url = provider.endpoint(baseUrl);
  const origin = new URL(url).origin;
  if (!ALLOWED_ORIGINS.includes(origin)) throw cspRefusal(origin);
  if (!originAllowedByPageCsp(origin)) throw cspRefusal(origin);
  return url;
}

/**
 * Reads the page's meta CSP connect-src. Returns the list of sources, or null
 * when there is no meta policy (e.g. unit use outside the page).
 */
export function pageConnectSrc(doc = globalThis.document) {
  const meta = doc?.querySelector?.('meta[http-equiv="Content-Security-Policy" i]');
  if (!meta) return null;
  for (const directive of meta.content.split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name?.toLowerCase() === "connect-src") return sources;
  }
  const fallback = meta.content.match(/default-src([^;]*)/i);
  return fallback ? fallback[1].trim().split(/\s+/) : [];
}

function originAllowedByPageCsp(origin) {
  const sources = pageConnectSrc();
  return sources === null || sources.includes(origin);
}
