// Size gate for the optimised wasm (what the page downloads).
//
// Budget: 350 KB gzipped, aiming for 250 KB. The test fails past
// the budget and logs the size; README "Wasm size" says what each part costs.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";

const BUDGET = 350 * 1024;
const AIM = 250 * 1024;

test("the wasm stays within its 350 KB gzip budget", async () => {
  const wasm = readFileSync(new URL("../../web/pkg/meshmend_wasm_bg.wasm", import.meta.url));
  const gz = gzipSync(wasm, { level: 9 }).length;
  const kb = (n) => (n / 1024).toFixed(1);
  console.log(
    `wasm size: ${wasm.length} bytes raw, ${gz} bytes gzip -9 ` +
      `(${kb(BUDGET - gz)} KB under the 350 KB budget; ${gz > AIM ? `${kb(gz - AIM)} KB above` : "within"} the 250 KB aim)`,
  );
  expect(gz).toBeLessThanOrEqual(BUDGET);
});
