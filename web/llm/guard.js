// The final guard: a body that holds any secret of this page's vault is
// refused. It runs at preview time and again right before `fetch`. The check
// itself is the core's (crates/meshmend_core/src/redact/leak.rs, run in the
// worker against the wasm vault), so the secrets never come into the page.

import { LlmError } from "./errors.js";

/**
 * Throws a `guard` error if `leaks(body)` names any vault secret.
 * @param {string} body the exact request body
 * @param {(body: string) => Promise<string[]>} leaks the placeholders of the secrets found in `body`
 */
export async function guardBody(body, leaks) {
  const found = await leaks(body);
  if (found.length) {
    throw new LlmError(
      "guard",
      `Refused to send: the request body contains ${found.length} secret value(s) from ` +
        `this page's local vault (${found.join(", ")}). Nothing was sent. This is the last ` +
        "safety check behind redaction; please report the input that caused it.",
    );
  }
}
