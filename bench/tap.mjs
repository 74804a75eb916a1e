// Benchmark: tap → visible pending state, offline (budget: 100 ms).
// A signed-in phone with the network cut taps "Register" on one session
// after another; each time is from the click to the first frame painted
// after the card shows "pending" (the change is in IndexedDB by then: the
// outbox is written before the page shows anything). Measured at full
// speed and with Chromium's CPU throttled 4× (a mid-range phone).
// Run: scripts/bench (builds release first). Only talks to 127.0.0.1.
import { join } from "node:path";
import { demoCredentials, launchProfile, removeDir, signIn, startServer, tempDir, waitForProgram, waitForServiceWorker } from "../tests/browser/harness.mjs";

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Taps the first "Register" button; ms until a frame shows it pending. */
function tapOnce(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const button = document.querySelector(".session-card [data-action=register]");
        if (!button) return resolve(null);
        // Found again by its code, whatever the list does meanwhile.
        const code = button.closest(".session-card").dataset.code;
        const timer = setTimeout(() => reject(new Error("no pending state after 5 s")), 5000);
        const start = performance.now();
        const seen = () => {
          if (!document.querySelector(`.session-card[data-code="${code}"] [data-standing=pending]`)) return false;
          observer.disconnect();
          requestAnimationFrame(() => {
            clearTimeout(timer);
            resolve(performance.now() - start);
          });
          return true;
        };
        const observer = new MutationObserver(seen);
        observer.observe(document.querySelector("main"), { subtree: true, childList: true, attributes: true, characterData: true });
        button.click();
      }),
  );
}

async function measure(page, cdp, throttle) {
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  const times = [];
  for (let i = 0; i < 12; i++) {
    const ms = await tapOnce(page);
    if (ms === null) break;
    times.push(ms);
    await page.waitForTimeout(100);
  }
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  times.sort((a, b) => a - b);
  return { taps: times.length, p50: percentile(times, 50), max: times.at(-1) };
}

const dataDir = tempDir("tap-data");
const profileDir = tempDir("tap-profile");
const server = await startServer({ db: join(dataDir, "bench.sqlite") });
const context = await launchProfile(profileDir);
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const [alice, bob] = demoCredentials(server);
  const cdp = await context.newCDPSession(page);
  const rows = [];
  for (const [who, throttle] of [[alice, 1], [bob, 4]]) {
    await signIn(page, server.url, who);
    await page.goto(server.url);
    await waitForProgram(page);
    await waitForServiceWorker(page);
    await context.setOffline(true);
    rows.push({ throttle, ...(await measure(page, cdp, throttle)) });
    await context.setOffline(false);
    // Next person: sign out (the warning is accepted) so the agenda starts empty.
    await page.goto(`${server.url}/sync`);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Sign out and delete" }).click();
    await page.waitForSelector("text=to register for sessions");
  }
  console.log(
    [
      `### Tap → pending, offline — ${new Date().toISOString().slice(0, 10)}`,
      "",
      "Command: `scripts/bench`. Headless Debian Chromium, 390 × 844 viewport, demo program (63 sessions), network cut; from the click to the first frame after the card shows *pending* (outbox already written to IndexedDB).",
      "",
      "| CPU | taps | p50 | max | budget |",
      "| --- | --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.throttle === 1 ? "full speed" : `throttled ${r.throttle}×`} | ${r.taps} | ${r.p50.toFixed(1)} ms | ${r.max.toFixed(1)} ms | 100 ms |`),
      "",
    ].join("\n"),
  );
} finally {
  await context.close();
  await server.stop();
  removeDir(dataDir);
  removeDir(profileDir);
}
