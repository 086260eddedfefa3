// The LLM panel's one error type, and the provider-error reading shared by
// the stream parsers (providers.js) and the sender (send.js).

/** A failure with a stable `kind` (for tests and styling) and a user-facing message. */
export class LlmError extends Error {
  /**
   * @param {string} kind one of: endpoint, key, guard, http-401, http-403,
   *   org-policy, http-429, http, network, timeout, cancelled, provider, material
   * @param {string} message shown to the user as text
   */
  constructor(kind, message) {
    super(message);
    this.name = "LlmError";
    this.kind = kind;
  }
}

/** An error a provider put in its answer (`{error: ...}`), as an `LlmError`. */
export function providerError(json) {
  const message =
    (typeof json?.error === "string" ? json.error : json?.error?.message) ?? JSON.stringify(json);
  return new LlmError("provider", `The model stopped with an error: ${message}`);
}
