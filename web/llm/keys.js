// The API key: held in a closure, per provider. Never written to
// localStorage, cookies or the URL, never handed to the wasm core, never
// logged. "Remember for this tab" (explicit opt-in) keeps it in
// sessionStorage until "Forget key" or the tab closes.

import { PROVIDERS } from "./providers.js";

const SESSION_SLOT = "meshmend.llm.key.";

function tabStorage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // file:// or storage disabled
  }
}

/**
 * Holds API keys in memory, one per provider (a key typed for OpenAI is never
 * sent to Anthropic). `remember` (explicit opt-in) mirrors a key into
 * sessionStorage for this tab only; `forget` wipes both.
 */
export function createKeyStore(storage = tabStorage()) {
  const keys = new Map();
  const remembered = new Set();
  if (storage) {
    for (const id of Object.keys(PROVIDERS)) {
      const saved = storage.getItem(SESSION_SLOT + id);
      if (saved) {
        keys.set(id, saved);
        remembered.add(id);
      }
    }
  }
  return Object.freeze({
    set(provider, value) {
      const key = String(value ?? "").trim();
      if (key) keys.set(provider, key);
      else keys.delete(provider);
      if (remembered.has(provider) && storage) {
        if (key) storage.setItem(SESSION_SLOT + provider, key);
        else storage.removeItem(SESSION_SLOT + provider);
      }
    },
    has: (provider) => keys.has(provider),
    isRemembered: (provider) => remembered.has(provider),
    remember(provider, on) {
      if (!storage) return;
      if (on) {
        remembered.add(provider);
        if (keys.has(provider)) storage.setItem(SESSION_SLOT + provider, keys.get(provider));
      } else {
        remembered.delete(provider);
        storage.removeItem(SESSION_SLOT + provider);
      }
    },
    forget(provider) {
      keys.delete(provider);
      remembered.delete(provider);
      storage?.removeItem(SESSION_SLOT + provider);
    },
    /** Calls `use(key)`; the key itself is never returned to callers. */
    withKey: (provider, use) => use(keys.get(provider) ?? ""),
  });
}
