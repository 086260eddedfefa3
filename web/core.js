// Client side of worker.js: `call(op, ...args)` returns a Promise of the result.
// Shared by main.js and extension modules (llm.js uses `call("rehydrate", text)`).

function createWorker() {
  // The offline single file inlines the worker source (see scripts/bundle-single.mjs).
  if (typeof globalThis.MESHMEND_WORKER_SOURCE === "string") {
    const blob = new Blob([globalThis.MESHMEND_WORKER_SOURCE], { type: "text/javascript" });
    // A classic worker: Chromium refuses module workers from blob: URLs on file:// pages.
    return new Worker(URL.createObjectURL(blob), { name: "meshmend-core" });
  }
  return new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "meshmend-core" });
}

let worker;
const pending = new Map();
let nextId = 1;
let resolveReady;
let rejectReady;
const restartListeners = [];

/** Resolves with {capabilities, example, wasm} once the analysis module is instantiated (worker.js). */
export const ready = new Promise((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});

function start() {
  worker = createWorker();
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === "ready") return resolveReady(message.info);
    if (message.type === "fatal") return rejectReady(new Error(message.error));
    const entry = pending.get(message.id);
    if (entry) {
      pending.delete(message.id);
      if (message.ok) entry.resolve({ result: message.result, ms: message.ms });
      else entry.reject(new Error(message.error));
    }
    if (message.trapped) restart(message.error);
  };
  worker.onerror = (event) => {
    rejectReady(new Error(event.message || "the analyzer worker failed to start"));
  };
}

/**
 * A trap (a Rust panic) leaves the wasm instance unusable: its stack pointer
 * and borrow flags stay where the trap left them, so every later call would
 * fail too. Start a fresh worker instead, fail what was in flight, and tell
 * the page (which re-runs; placeholders issued before are gone with the old
 * instance's vault).
 */
function restart(reason) {
  worker.terminate();
  for (const [id, entry] of pending) {
    pending.delete(id);
    entry.reject(new Error(`the analyzer stopped on an internal error (${reason}) and was restarted`));
  }
  start();
  for (const listener of restartListeners) listener(reason);
}

/** Calls `listener(reason)` each time the worker is restarted after a trap. */
export function onRestart(listener) {
  restartListeners.push(listener);
}

start();

/** Runs `op` in the worker. Resolves with {result, ms}; rejects with the core's error. */
export function call(op, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args });
  });
}
