// What the kiosk benchmarks share: scanning at the desk, and their tables.

/** `count | p50 | p99 | max` of `values` (ms), for a Markdown row. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const ms = (v) => `${v.toFixed(2)} ms`;
  return `${sorted.length} | ${ms(at(0.5))} | ${ms(at(0.99))} | ${ms(sorted[sorted.length - 1])}`;
}

/** A name as the kiosk matches it: no accents, lower case. */
export const plain = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/** Submits `code` in the scan field; returns [lookup ms, submit → verdict frame ms]. */
export function scanOnce(page, code, name) {
  return page.evaluate(
    ({ code, name }) =>
      new Promise((resolve, reject) => {
        const input = document.querySelector("#scan");
        const area = document.querySelector(".verdict-area");
        const timer = setTimeout(() => reject(new Error(`no verdict for ${code}`)), 5000);
        input.value = code;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        const start = performance.now();
        const seen = () => {
          if (area.querySelector(".verdict-name")?.textContent !== name) return;
          observer.disconnect();
          requestAnimationFrame(() => {
            clearTimeout(timer);
            const lookup = performance.getEntriesByName("hallpass:badge-lookup", "measure").at(-1)?.duration;
            resolve([lookup, performance.now() - start]);
          });
        };
        const observer = new MutationObserver(seen);
        observer.observe(area, { subtree: true, childList: true });
        input.form.requestSubmit();
      }),
    { code, name },
  );
}

