// Size gate for the optimised wasm (what the page downloads).
//
// Budget (issue 5): 350 KB gzipped, aiming for 250 KB. Measured on
// 2026-11-24 with every core feature in: 962,243 B raw / 379,214 B gz —
// the fix engine costs ~79 KB gz, redaction ~76 KB gz (see README
// "Wasm size"). Until the core shrinks, the hard gate is a ceiling just
// above today's size, so the module cannot grow unnoticed; the test logs
// how far it is over the 350 KB budget. Lower CEILING as the size drops,
// and make it BUDGET once the module fits.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";

const BUDGET = 350 * 1024;
const CEILING = 385 * 1024;

test("the wasm stays within its size gate", async () => {
  const wasm = readFileSync(new URL("../../web/pkg/meshmend_wasm_bg.wasm", import.meta.url));
  const gz = gzipSync(wasm, { level: 9 }).length;
  const over = gz > BUDGET ? ` — ${((gz - BUDGET) / 1024).toFixed(1)} KB OVER the 350 KB budget` : " (within the 350 KB budget)";
  console.log(`wasm size: ${wasm.length} bytes raw, ${gz} bytes gzip -9${over}`);
  expect(gz).toBeLessThan(CEILING);
});
