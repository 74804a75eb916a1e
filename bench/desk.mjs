// What the kiosk benchmarks share: a big roster, a paired kiosk, scanning
// at the desk, and their tables.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiDevice, latest, pairingCode, pullAll, runCli } from "../tests/browser/harness.mjs";

/**
 * Imports `count` made-up attendees into `server`'s database (`dir` holds
 * the CSV) and pairs an observer kiosk over the API: `{ observer, roster }`.
 */
export async function importRoster(server, dir, count) {
  const csv = join(dir, "attendees.csv");
  writeFileSync(csv, await runCli(server.db, ["demo", "roster", "--count", String(count)]));
  await runCli(server.db, ["import", "attendees", csv]);
  const observer = await apiDevice(server.url, "kiosk", { pairing_code: await pairingCode(server.db, "Bench observer") });
  const roster = [...latest(await pullAll(server.url, observer.token), "attendee").values()];
  if (roster.length < count) throw new Error(`roster has ${roster.length} people`);
  return { observer, roster };
}

/** Pairs `page` as a kiosk and waits until it holds `count` people. */
export async function pairPage(page, server, count) {
  await page.goto(`${server.url}/kiosk`);
  await page.fill("#pairing-code", await pairingCode(server.db, "Bench kiosk"));
  await page.click(".pair-form button[type=submit]");
  await page.waitForFunction((n) => Number(document.querySelector(".desk-header")?.dataset.roster) >= n, count, { timeout: 60_000 });
}

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

