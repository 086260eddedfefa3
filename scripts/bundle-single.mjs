// Builds dist/meshmend.html: the whole page in one file that works opened
// from disk (file://) with no server and no network.
//
// - Every <script type="module" src> of web/index.html is bundled (esbuild)
//   into one inline module script.
// - worker.js, engines.js and both modules' wasm-bindgen glue are bundled
//   into one string that the page starts as a classic blob: worker (esbuild
//   inlines engines.js's dynamic import); both wasm modules are inlined as
//   base64 and handed to their glue as bytes (no fetch). The engines module
//   is still instantiated only on first use.
// - style.css is inlined; the favicon becomes a data: URI.
// - The CSP keeps the hosted page's policy but allows exactly the inline
//   script and style by their SHA-256 hashes, and the worker from blob:.
//
// Usage: node scripts/bundle-single.mjs (after scripts/build-web.sh made web/pkg/).

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const MODULES = ["analysis", "engines"];
const wasmPath = (name) => join(web, "pkg", `meshmend_${name}_bg.wasm`);

const read = (path) => readFileSync(path, "utf8");
const sha256 = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

async function bundle(options) {
  const result = await esbuild.build({
    bundle: true,
    format: "esm",
    minify: true,
    write: false,
    legalComments: "none",
    target: "es2022",
    logLevel: "warning",
    ...options,
  });
  return result.outputFiles[0].text;
}

const html = read(join(web, "index.html"));
const entries = [...html.matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((m) => m[1]);
if (!entries.length) throw new Error("no module scripts found in web/index.html");

const wasmBase64 = Object.fromEntries(MODULES.map((name) => [name, readFileSync(wasmPath(name)).toString("base64")]));
const worker = `self.MESHMEND_WASM_BASE64=${JSON.stringify(wasmBase64)};\n${await bundle({
  entryPoints: [join(web, "worker.js")],
  // A classic script: Chromium refuses module workers from blob: URLs on file:// pages.
  // The glue's `import.meta.url` is only read when no bytes are passed, which never happens here.
  format: "iife",
  logOverride: { "empty-import-meta": "silent" },
})}`;
const page = await bundle({
  stdin: {
    contents: entries.map((src) => `import ${JSON.stringify(`./${src}`)};`).join("\n"),
    resolveDir: web,
    sourcefile: "entry.js",
  },
});
// `<\/script` never appears in JSON.stringify output of our code, but be safe.
const script = `globalThis.MESHMEND_WORKER_SOURCE=${JSON.stringify(worker).replaceAll("</", "<\\/")};\n${page}`;
const style = read(join(web, "style.css"));
const favicon = `data:image/svg+xml;base64,${readFileSync(join(web, "favicon.svg")).toString("base64")}`;

const llmOrigins = html.match(/connect-src 'self' ([^;"]+)/)[1].trim();
const csp = [
  "default-src 'none'",
  `script-src ${sha256(script)} 'wasm-unsafe-eval'`,
  `style-src ${sha256(style)}`,
  "img-src data:",
  `connect-src ${llmOrigins}`,
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

let out = html
  .replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace(/<link rel="icon"[^>]*>/, `<link rel="icon" href="${favicon}" type="image/svg+xml">`)
  .replace(/<link rel="stylesheet"[^>]*>\n?/, "")
  .replace(/<link rel="modulepreload"[^>]*>\n?/g, "")
  .replace(/<script type="module" src="[^"]+"><\/script>\n?/g, "");
if (out.includes('src="') && /<script[^>]+src=/.test(out)) throw new Error("an external script survived inlining");
out = out.replace("</head>", () => `<style>${style}</style>\n<script type="module">${script}</script>\n</head>`);
out = out.replace("<html lang=\"en\">", "<html lang=\"en\" data-build=\"single-file\">");

mkdirSync(join(root, "dist"), { recursive: true });
const target = join(root, "dist", "meshmend.html");
writeFileSync(target, out);
const inlined = MODULES.map((name) => `${name} ${readFileSync(wasmPath(name)).length}`).join(", ");
console.log(`dist/meshmend.html: ${out.length} bytes (wasm ${inlined} bytes, inlined as base64)`);
