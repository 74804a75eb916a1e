// Benchmark: a kiosk's full day. A kiosk keeps every check-in it made in
// its log (IndexedDB) after the server acknowledged it, so that a server
// restored from an older copy gets them back (issue 12). This measures,
// in Chromium against the real server on 127.0.0.1, a kiosk that scanned
// 10,000 check-ins (3,000 people, online, through the scan field):
// - the size of its IndexedDB with that log;
// - a scan → the server's acknowledgement, with the whole log in place
//   (the sync waits 200 ms after a scan to gather a burst);
// - reopening the kiosk page: until the desk shows the day's count;
// - a restore: the server goes back to a copy from before the day; the
//   kiosk syncs, finds the server lacks its log, and sends it all again,
//   until the server holds every check-in.
// Run: scripts/bench (builds release first). Only talks to 127.0.0.1.
import { join } from "node:path";
import { drained, latest, launchProfile, pullAll, removeDir, runCli, startServer, tempDir } from "../tests/browser/harness.mjs";
import { importRoster, pairPage, scanOnce, stats } from "./desk.mjs";

const ATTENDEES = 3_000;
const CHECKINS = 10_000;
const PROBES = 20;

const dataDir = tempDir("bench-day");
const profileDir = tempDir("bench-day-profile");
const db = join(dataDir, "hallpass.sqlite");
let server = await startServer({ db });
let context;

/** Check-ins the server holds, as a kiosk pulls them. */
async function serverCheckins(token) {
  return latest(await pullAll(server.url, token), "checkin").size;
}

try {
  const { observer, roster } = await importRoster(server, dataDir, ATTENDEES);

  context = await launchProfile(profileDir);
  let page = context.pages()[0] ?? (await context.newPage());
  await pairPage(page, server, ATTENDEES);
  const before = join(dataDir, "before-the-day.sqlite");
  await runCli(db, ["backup", before]);

  const started = performance.now();
  for (let i = 0; i < CHECKINS; i++) {
    const p = roster[(i * 7919) % roster.length];
    await scanOnce(page, p.badge_code, `${p.first_name} ${p.last_name}`);
  }
  await drained(page);
  const dayMs = performance.now() - started;
  const held = await serverCheckins(observer.token);
  if (held < CHECKINS) throw new Error(`the server holds ${held} check-ins`);

  const storage = await page.evaluate(async () => {
    const estimate = await navigator.storage.estimate();
    return estimate.usageDetails?.indexedDB ?? estimate.usage;
  });

  const acknowledged = [];
  for (let i = 0; i < PROBES; i++) {
    const p = roster[(i * 104729) % roster.length];
    const start = performance.now();
    await scanOnce(page, p.badge_code, `${p.first_name} ${p.last_name}`);
    await drained(page);
    acknowledged.push(performance.now() - start);
  }

  // The desk counts people in, not scans.
  const peopleIn = Number(await page.locator(".desk-header").getAttribute("data-count"));
  const reopened = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await page.reload();
    await page.waitForFunction((n) => Number(document.querySelector(".desk-header")?.dataset.count) >= n, peopleIn, { timeout: 60_000 });
    reopened.push(performance.now() - start);
  }

  // The server goes back to the copy from before the day.
  const addr = server.addr;
  await server.stop();
  await runCli(db, ["restore", before]);
  server = await startServer({ db, addr });
  const lost = await serverCheckins(observer.token);
  const resend = performance.now();
  await page.click(".sync-badge");
  await drained(page);
  let back = await serverCheckins(observer.token);
  while (back < held + PROBES) {
    await new Promise((r) => setTimeout(r, 200));
    back = await serverCheckins(observer.token);
  }
  const resendMs = performance.now() - resend;

  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`### A kiosk's full day: ${CHECKINS.toLocaleString("en")} check-ins kept in its log — ${new Date().toISOString().slice(0, 10)}\n`);
  console.log("Command: `scripts/bench` (this part: `node bench/kiosk-day.mjs`). Headless Debian Chromium, the wasm release build, the real server on 127.0.0.1 with 3,000 attendees.\n");
  console.log("| what | value |");
  console.log("| --- | --- |");
  console.log(`| the day: ${CHECKINS.toLocaleString("en")} scans, each synced | ${(dayMs / 1000).toFixed(0)} s |`);
  console.log(`| IndexedDB with the day's log, roster and check-ins | ${mb(storage)} |`);
  const sorted = [...reopened].sort((a, b) => a - b);
  console.log(`| reopening the kiosk page → the day's count (${peopleIn.toLocaleString("en")} people in) shown (median of 5; slowest) | ${sorted[2].toFixed(0)} ms; ${sorted[4].toFixed(0)} ms |`);
  console.log(`| server restored to before the day: check-ins it held → after one sync | ${lost} → ${back} |`);
  console.log(`| that sync: the whole log sent again and acknowledged | ${(resendMs / 1000).toFixed(1)} s |`);
  console.log("\n| with the log in place | count | p50 | p99 | max |");
  console.log("| --- | --- | --- | --- | --- |");
  console.log(`| scan → acknowledged by the server (includes the 200 ms gathering wait) | ${stats(acknowledged)} |`);
} finally {
  await context?.close();
  await server.stop();
  removeDir(dataDir);
  removeDir(profileDir);
}
