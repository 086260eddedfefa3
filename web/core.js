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

const worker = createWorker();
const pending = new Map();
let nextId = 1;
let resolveReady;
let rejectReady;

/** Resolves with {capabilities, rules, example, wasm} once the wasm is instantiated. */
export const ready = new Promise((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});

worker.onmessage = (event) => {
  const message = event.data;
  if (message.type === "ready") return resolveReady(message.info);
  if (message.type === "fatal") return rejectReady(new Error(message.error));
  const entry = pending.get(message.id);
  if (!entry) return;
  pending.delete(message.id);
  if (message.ok) entry.resolve({ result: message.result, ms: message.ms });
  else entry.reject(new Error(message.error));
};

worker.onerror = (event) => {
  rejectReady(new Error(event.message || "the analyzer worker failed to start"));
};

/** Runs `op` in the worker. Resolves with {result, ms}; rejects with the core's error. */
export function call(op, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args });
  });
}
