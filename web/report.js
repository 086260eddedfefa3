// The "Incident report" button: the core's Markdown report (the text of
// `meshmend fix --format markdown`) for the files and fix options on screen,
// shown in a dialog to copy or download. The core builds it from redacted
// material only; this module never sees a secret it could add.

import { copyText, download } from "./render.js";

/**
 * @param {{button: HTMLElement, dialog: HTMLDialogElement, text: HTMLElement,
 *          copy: HTMLElement, save: HTMLElement}} parts
 * @param {{call: Function, state: object, prepare?: () => Promise<void>, onError: (message: string) => void}} hooks
 *   `prepare` resolves once the page's fix of the files on screen is current (its options are the report's)
 */
export function mountReport({ button, dialog, text, copy, save }, { call, state, prepare, onError }) {
  let report = "";
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await prepare?.();
      const { result } = await call("report", state.files, state.fixOptions ?? {});
      report = result;
      text.textContent = report;
      dialog.showModal();
      text.focus();
    } catch (error) {
      onError(`The report could not be written: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
  copy.addEventListener("click", async () => {
    const label = copy.textContent;
    copy.textContent = (await copyText(report)) ? "Copied ✓" : "Copy failed";
    setTimeout(() => (copy.textContent = label), 1200);
  });
  save.addEventListener("click", () => download("meshmend-incident.md", report, "text/markdown"));
}
