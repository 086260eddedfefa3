// The bytes of one of the page's wasm modules (`analysis` or `engines`, see
// scripts/build-web.sh), from web/pkg/ or, in the offline single file, from
// the base64 that scripts/bundle-single.mjs puts in self.MESHMEND_WASM_BASE64.

/**
 * Resolves with `{bytes, sha256}`; `sha256` is a promise (of null outside a
 * secure context), so hashing overlaps instantiation. `started`: a fetch of
 * the module already under way (worker.js starts the analysis module's
 * before its imports load).
 */
export async function wasmBytes(name, started = null) {
  const bytes = await load(name, started);
  return { bytes, sha256: sha256(bytes) };
}

async function load(name, started) {
  const inline = self.MESHMEND_WASM_BASE64?.[name];
  if (typeof inline === "string") {
    const binary = atob(inline);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  const response = await (started ?? fetch(new URL(`./pkg/meshmend_${name}_bg.wasm`, import.meta.url)));
  if (!response.ok) throw new Error(`could not load the ${name} module (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

async function sha256(bytes) {
  try {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  } catch {
    return null; // crypto.subtle needs a secure context; the hash is informational
  }
}
