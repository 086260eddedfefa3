// The engines module, loaded on first use: redaction and the session's vault,
// fix, the incident report, explain-log and the LLM guard. The analysis
// module (worker.js) is all the first findings wait for; the first call that
// needs an engine fetches and instantiates this one, and later calls reuse it.
// Both are built from crates/meshmend_wasm with different cargo features.
import { wasmBytes } from "./wasm-bytes.js";

let loading = null;

/** Resolves with the engines module's exports (wasm-bindgen glue), loading it once. */
export function engines() {
  loading ??= load().catch((error) => {
    loading = null; // a failed download may be retried by the next call
    throw error;
  });
  return loading;
}

async function load() {
  const [glue, { bytes }] = await Promise.all([import("./pkg/meshmend_engines.js"), wasmBytes("engines")]);
  await glue.default({ module_or_path: bytes });
  return glue;
}
