// The page's current state, observable. main.js writes it; extension modules
// (web/llm.js) read it and subscribe, so they never reach into the DOM of other panels.
//
// Fields: files [{name, text}], report (analyze result), redaction (redact
// result or null), fix (fix result or null), fixOptions (the options that fix
// was computed with: strategy, include_warnings, istio_version), capabilities, rules,
// engines (a promise of the redaction and fix of `files` being computed, or
// null before the page first needed the engines module; it never rejects).

export const state = {
  files: [],
  report: null,
  redaction: null,
  fix: null,
  fixOptions: {},
  capabilities: null,
  rules: [],
  engines: null,
};

const listeners = new Set();

/** Merges `patch` into the state and notifies subscribers. */
export function update(patch) {
  Object.assign(state, patch);
  for (const listener of listeners) listener(state, patch);
}

/** Calls `listener(state, patch)` after every update; returns an unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
