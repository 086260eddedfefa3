// "Explain with your LLM": the bring-your-own-key panel, mounted on the page.
//
// Everything about talking to a model lives in web/llm/ so the rest of the
// page never touches a key or a provider; this module only connects the
// panel to the page's worker and state. Rules kept (README "Explain with your
// LLM"):
// - Off until the user ticks the opt-in; nothing is fetched before a confirm.
// - The request body is built only from redacted material (redacted
//   manifests, findings on them, the redacted view of the fix the Fix tab
//   shows), shown in a preview byte for byte, and sent only after a confirm.
// - A final guard (the core's, in the worker) refuses a body holding any vault
//   secret; it runs at preview time and again right before `fetch`.
// - The key lives in a closure (llm/keys.js); the answer is shown as text.
//
// The modules, one job each: llm/providers.js (endpoints, CSP origins, wire
// shapes), llm/prompt.js (the body), llm/guard.js (the final guard),
// llm/keys.js (the key), llm/send.js (sending, streaming, errors),
// llm/panel.js (the DOM), llm/errors.js (the error type). No dependencies;
// plain ES modules. Works from http(s):// and file://.

import { LlmError } from "./llm/errors.js";
import { mountLlmPanel } from "./llm/panel.js";

function findingForPrompt(finding) {
  const { code, name, severity, message, file, line, column } = finding;
  return { code, name, severity, message, file, line, column };
}

/**
 * Mounts the panel on the real page.
 * @param {Element} slot the `#llm-slot` element holding the panel markup
 * @param {{call: (op: string, ...args: any[]) => Promise<{result: any}>,
 *   state: {files: any[], redaction: any, fix: any, capabilities: any},
 *   subscribe: (listener: (state: any, patch: any) => void) => void}} page
 *   the worker client (core.js) and the page state (state.js)
 */
export function mountLlm(slot, { call, state, subscribe }) {
  // The redaction the material was built from: the guard checks the secrets
  // behind its placeholders, so always those of the text being sent.
  let lastRedaction = null;
  // The fix in state.fix, when it was computed for the current files.
  let fixIsCurrent = Boolean(state.fix);

  async function redaction() {
    if (!state.capabilities?.redact) {
      throw new LlmError(
        "material",
        "Secret redaction is not in this build, so nothing can be sent to an LLM.",
      );
    }
    if (!state.files?.length) throw new LlmError("material", "There is no input to explain yet.");
    const { result } = await call("redact", state.files);
    lastRedaction = result;
    return result;
  }

  async function material() {
    // Opening the panel started the page's redaction and fix (web/main.js
    // wantEngines): wait for them, so the diff below is the Fix tab's.
    await state.engines;
    const redacted = await redaction();
    const files = redacted.files.map((f) => ({ name: f.name, text: f.redacted }));
    // Findings are computed on the redacted text, so every location in the
    // body refers to the manifests that are sent.
    const { istio_version } = state.fixOptions ?? {};
    const { result: report } = await call("analyze", files, { istio_version });
    // The diff is the fix the Fix tab shows, with placeholders for secrets
    // (its redacted view): never a second fix of the redacted text, whose
    // plan could differ. No fix yet: explain the findings alone.
    const diff = (fixIsCurrent && state.fix?.redacted?.diff) || "";
    return { files, findings: (report?.findings ?? []).map(findingForPrompt), diff };
  }

  async function leaks(body) {
    const source = lastRedaction ?? (await redaction());
    const texts = source.files.map((f) => f.redacted);
    const placeholders = (source.secrets ?? []).map((s) => s.placeholder).filter(Boolean);
    return (await call("leaks", body, texts, placeholders)).result;
  }

  const rehydrate = async (text) => (await call("rehydrate", text)).result;
  const placeholderLike = async (text) => (await call("placeholder_like", text)).result;

  slot.hidden = false;
  const panel = mountLlmPanel(slot, { material, leaks, rehydrate, placeholderLike });
  subscribe((_, patch) => {
    if ("files" in patch) {
      lastRedaction = null;
      fixIsCurrent = false;
      panel.invalidate();
    }
    if ("fix" in patch) fixIsCurrent = Boolean(patch.fix);
  });
  return panel;
}
