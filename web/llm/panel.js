// The panel's DOM: opt-in, provider and key controls, preview, confirm,
// streamed answer (text only, never HTML: the manifests may carry prompt
// injection) and local rehydration for display.

import { LlmError } from "./errors.js";
import { guardBody } from "./guard.js";
import { createKeyStore } from "./keys.js";
import { prepareRequest } from "./prompt.js";
import { PROVIDERS } from "./providers.js";
import { sendRequest } from "./send.js";

/**
 * Wires the panel in `root` (markup in index.html, found by data-testid).
 * @param {Element} root the panel element
 * @param {{
 *   material: () => Promise<{files: {name: string, text: string}[], findings: object[], diff?: string}>,
 *   leaks: (body: string) => Promise<string[]>,
 *   rehydrate?: (text: string) => Promise<string>,
 *   placeholderLike?: (text: string) => Promise<string[]>,
 * }} hooks `material` returns REDACTED text only; `leaks` names the vault secrets
 *   in a body (the guard); `rehydrate` replaces placeholders with real values,
 *   locally, for display; `placeholderLike` finds placeholder-shaped tokens.
 * @returns {{invalidate: () => void}} call `invalidate` when the input changes.
 */
export function mountLlmPanel(root, hooks) {
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const ui = {
    enable: $("llm-enable"),
    controls: $("llm-controls"),
    provider: $("llm-provider"),
    baseUrl: $("llm-base-url"),
    baseUrlRow: $("llm-base-url-row"),
    model: $("llm-model"),
    key: $("llm-key"),
    keyState: $("llm-key-state"),
    remember: $("llm-remember"),
    forget: $("llm-forget"),
    localNote: $("llm-local-note"),
    send: $("llm-send"),
    previewBox: $("llm-preview-box"),
    previewTarget: $("llm-preview-target"),
    preview: $("llm-preview"),
    confirm: $("llm-confirm"),
    cancel: $("llm-cancel"),
    status: $("llm-status"),
    error: $("llm-error"),
    rehydrate: $("llm-rehydrate"),
    unknown: $("llm-unknown-placeholders"),
    output: $("llm-output"),
  };
  // Test seam (see tests/llm.spec.mjs): lets a browser test bypass the
  // redactor to prove the guard works, and shorten the timeout. It can only
  // add data to a body that the guard then inspects.
  const seam = () => globalThis.__meshmendLlmTest ?? {};
  const keys = createKeyStore();
  let prepared = null;
  let inflight = null;
  let answer = "";
  let renderSeq = 0;

  const provider = () => ui.provider.value;

  function setError(error) {
    ui.error.textContent = error ? error.message : "";
    ui.error.dataset.kind = error ? error.kind ?? "error" : "";
    ui.error.hidden = !error;
  }

  function setStatus(text) {
    ui.status.textContent = text;
  }

  function refreshKeyState() {
    const id = provider();
    const has = keys.has(id);
    ui.key.placeholder = has
      ? "key set (kept in memory only); type to replace"
      : PROVIDERS[id].keyRequired
        ? "paste your API key"
        : "optional for local servers";
    ui.keyState.textContent = has
      ? keys.isRemembered(id)
        ? "Key set, remembered for this tab (sessionStorage)."
        : "Key set, kept in memory only; gone when you reload."
      : "No key set.";
    ui.remember.checked = keys.isRemembered(id);
    ui.forget.disabled = !enabled() || (!has && !keys.isRemembered(id));
  }

  function enabled() {
    return ui.enable.checked;
  }

  function invalidate() {
    if (prepared) setStatus("The input changed: preview the request again.");
    prepared = null;
    ui.preview.textContent = "";
    ui.previewTarget.textContent = "";
    ui.previewBox.hidden = true;
    ui.confirm.disabled = true;
  }

  function syncEnabled() {
    const on = enabled();
    for (const el of [ui.provider, ui.baseUrl, ui.model, ui.key, ui.remember, ui.send, ui.rehydrate]) {
      el.disabled = !on;
    }
    ui.controls.hidden = !on;
    if (!on) {
      inflight?.abort();
      invalidate();
    }
    syncProvider();
  }

  function syncProvider() {
    const id = provider();
    const local = id === "openai-compatible";
    ui.baseUrlRow.hidden = !local;
    ui.localNote.hidden = !local;
    if (local && !ui.baseUrl.value) ui.baseUrl.value = PROVIDERS[id].defaultBaseUrl;
    // Show the provider's default model, unless the user typed their own.
    const defaults = Object.values(PROVIDERS).map((p) => p.defaultModel);
    if (!ui.model.value || defaults.includes(ui.model.value)) ui.model.value = PROVIDERS[id].defaultModel;
    ui.model.placeholder = PROVIDERS[id].defaultModel;
    ui.key.value = "";
    refreshKeyState();
  }

  function takeKey() {
    if (ui.key.value) {
      keys.set(provider(), ui.key.value);
      ui.key.value = "";
    }
    refreshKeyState();
  }

  async function render() {
    const seq = ++renderSeq;
    let text = answer;
    let unknown = [];
    if (ui.rehydrate.checked && hooks.rehydrate && text) {
      try {
        text = await hooks.rehydrate(text);
        unknown = hooks.placeholderLike ? await hooks.placeholderLike(text) : [];
      } catch (error) {
        setError(new LlmError("material", `Could not rehydrate locally: ${error.message}`));
      }
    }
    if (seq !== renderSeq) return;
    ui.output.textContent = text; // text, never HTML
    // What rehydration left alone: tokens shaped like placeholders that this
    // session never issued, because the model changed or invented them.
    ui.unknown.hidden = !unknown.length;
    const one = unknown.length === 1;
    ui.unknown.textContent = unknown.length
      ? `${one ? "1 placeholder-like token" : `${unknown.length} placeholder-like tokens`} in the answer did not come ` +
        `from this page, so ${one ? "it stays" : "they stay"} as written (the model changed or invented ` +
        `${one ? "it" : "them"}; do not read ${one ? "it" : "them"} as your values): ${unknown.join(", ")}`
      : "";
  }

  async function preview() {
    setError(null);
    takeKey();
    invalidate();
    try {
      let material = await hooks.material();
      if (seam().tamperMaterial) material = seam().tamperMaterial(material);
      const next = prepareRequest({
        provider: provider(),
        model: ui.model.value,
        baseUrl: ui.baseUrl.value,
        material,
      });
      await guardBody(next.body, hooks.leaks);
      prepared = next;
      const headerNames = keys.withKey(next.provider, (key) =>
        Object.keys(PROVIDERS[next.provider].headers(key ? "…" : "")),
      );
      ui.previewTarget.textContent =
        `POST ${next.url} (model ${next.model}), headers ` +
        headerNames
          .map((name) => (/authorization|x-api-key/.test(name) ? `${name}: [your key]` : name))
          .join(", ") +
        `, body ${new TextEncoder().encode(next.body).length} bytes:`;
      ui.preview.textContent = next.body;
      ui.previewBox.hidden = false;
      ui.confirm.disabled = false;
      ui.confirm.textContent = `Send to ${PROVIDERS[next.provider].label}`;
      setStatus("Review the exact request below, then confirm to send it.");
    } catch (error) {
      setError(error instanceof LlmError ? error : new LlmError("material", error.message));
      setStatus("");
    }
  }

  async function confirm() {
    if (!prepared || inflight) return;
    const request = prepared;
    prepared = null; // one request per confirm
    ui.confirm.disabled = true;
    setError(null);
    answer = "";
    ui.output.textContent = "";
    inflight = new AbortController();
    ui.cancel.disabled = false;
    ui.send.disabled = true;
    setStatus(`Waiting for ${PROVIDERS[request.provider].label}…`);
    const body = seam().tamperBody ? seam().tamperBody(request.body) : request.body;
    try {
      await sendRequest(
        { ...request, body },
        {
          keys,
          leaks: hooks.leaks,
          signal: inflight.signal,
          timeoutMs: seam().timeoutMs,
          onText: (delta) => {
            answer += delta;
            setStatus("Receiving…");
            render();
          },
        },
      );
      setStatus("Done.");
    } catch (error) {
      setError(error instanceof LlmError ? error : new LlmError("provider", String(error)));
      setStatus("");
    } finally {
      inflight = null;
      ui.cancel.disabled = true;
      ui.send.disabled = !enabled();
      render();
    }
  }

  ui.enable.addEventListener("change", syncEnabled);
  ui.provider.addEventListener("change", () => {
    invalidate();
    syncProvider();
  });
  ui.baseUrl.addEventListener("change", invalidate);
  ui.model.addEventListener("change", invalidate);
  // The key moves into the closure as it is typed; on change (blur/Enter) the
  // field is emptied so the DOM no longer holds it.
  ui.key.addEventListener("input", () => {
    keys.set(provider(), ui.key.value);
    refreshKeyState();
  });
  ui.key.addEventListener("change", takeKey);
  ui.remember.addEventListener("change", () => {
    const on = ui.remember.checked;
    keys.remember(provider(), on);
    takeKey();
  });
  ui.forget.addEventListener("click", () => {
    keys.forget(provider());
    ui.key.value = "";
    refreshKeyState();
  });
  ui.send.addEventListener("click", preview);
  ui.confirm.addEventListener("click", confirm);
  ui.cancel.addEventListener("click", () => inflight?.abort());
  ui.rehydrate.addEventListener("change", render);

  ui.enable.checked = false; // off on every load, whatever the browser restored
  ui.cancel.disabled = true;
  syncEnabled();
  return Object.freeze({ invalidate });
}
