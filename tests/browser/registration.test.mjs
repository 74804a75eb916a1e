// Browser tests of registration with the network gone (issue 3):
// (a) register offline → reload offline → browser restart → network back:
//     the server has it exactly once and the page shows the verdict;
// (b) two attendees race offline for the last seat: one confirmed, one
//     waitlisted, and promoted when the first cancels.
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  apiSignIn,
  demoCredentials,
  latest,
  launchProfile,
  openApp,
  pullAll,
  removeDir,
  runCli,
  signIn,
  syncBadgeText,
  tempDir,
  waitForProgram,
  waitForServiceWorker,
  watchErrors,
} from "./harness.mjs";

const LAST_SEAT = "ZZ-LAST";

/** The card of the session titled `title` on the program page. */
const card = (page, title) => page.locator(".session-card", { has: page.locator(`h3 a:text-is(${JSON.stringify(title)})`) });

async function standing(locator) {
  return locator.locator(".register-status").first().getAttribute("data-standing");
}

describe("registration offline", () => {
  let app, url, errors, people, extraDir;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    people = demoCredentials(app.server);
    assert.ok(people.length >= 3, "the demo printed sample sign-ins");
    // One more session with a single seat, imported beside the demo.
    extraDir = tempDir("extra");
    const csv = join(extraDir, "sessions.csv");
    writeFileSync(
      csv,
      "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n" +
        `${LAST_SEAT},The Last Seat,One chair only.,workshop,,,,Room 9,2027-03-28T15:00:00-05:00,2027-03-28T16:00:00-05:00,1,\n`,
    );
    await runCli(app.server.db, ["import", "sessions", csv]);
  });

  after(async () => {
    await app?.close();
    if (extraDir) removeDir(extraDir);
  });

  it("(a) a registration made offline survives reload and restart, then reaches the server once", async () => {
    let page = app.page;
    errors = watchErrors(page);
    await signIn(page, url, people[0]);
    await page.goto(url);
    await waitForProgram(page);
    await waitForServiceWorker(page);
    const first = page.locator(".session-card").filter({ has: page.locator("[data-action=register]") }).first();
    const title = (await first.locator("h3 a").textContent()).trim();
    const sessionId = (await first.locator("h3 a").getAttribute("href")).split("/").pop();

    await app.context.setOffline(true);
    await card(page, title).locator("[data-action=register]").click();
    await page.waitForFunction(
      (t) => [...document.querySelectorAll(".session-card")].some((c) => c.querySelector("h3 a")?.textContent === t && c.querySelector("[data-standing=pending]")),
      title,
    );
    assert.match(await syncBadgeText(page), /1 change waiting/);

    await page.reload();
    await waitForProgram(page);
    assert.equal(await standing(card(page, title)), "pending");

    page = await app.restartBrowser();
    await app.context.setOffline(true);
    errors = watchErrors(page);
    await page.goto(`${url}/agenda`);
    await page.waitForSelector(".agenda-item");
    assert.equal(await page.locator(".agenda-item .session-title").textContent(), title);
    assert.equal(await page.locator(".agenda-item").getAttribute("data-standing"), "pending");

    await app.context.setOffline(false);
    await page.click(".sync-badge");
    await page.waitForSelector(".agenda-item[data-standing=confirmed]", { timeout: 20_000 });
    assert.equal(await page.locator(".agenda-item .register-status").textContent(), "Registered");
    assert.match(await syncBadgeText(page), /Saved on this device · Last synced/);

    const token = await apiSignIn(url, people[0]);
    const mine = [...latest(await pullAll(url, token), "registration").values()];
    assert.equal(mine.length, 1, "exactly one registration on the server");
    assert.equal(mine[0].session_id, sessionId);
    assert.equal(mine[0].status, "confirmed");
    assert.deepEqual(errors, []);
  });

  it("(b) two attendees race offline for the last seat: one gets it, the other waits and is promoted", async () => {
    const dirs = [tempDir("alice"), tempDir("bob")];
    const [alice, bob] = await Promise.all(dirs.map((d) => launchProfile(d)));
    try {
      const pages = [alice.pages()[0] ?? (await alice.newPage()), bob.pages()[0] ?? (await bob.newPage())];
      const pageErrors = pages.map(watchErrors);
      for (const [i, page] of pages.entries()) {
        await signIn(page, url, people[i + 1]);
        await page.goto(url);
        await waitForProgram(page);
        await waitForServiceWorker(page);
        await page.fill("#program-search", "The Last Seat");
        await page.waitForSelector(".session-card [data-action=register]:text-is('Register')");
      }
      await alice.setOffline(true);
      await bob.setOffline(true);
      for (const page of pages) {
        await card(page, "The Last Seat").locator("[data-action=register]").click();
        await page.waitForSelector(".session-card [data-standing=pending]");
      }

      await alice.setOffline(false);
      await pages[0].click(".sync-badge");
      await pages[0].waitForSelector(".session-card [data-standing=confirmed]", { timeout: 20_000 });
      await bob.setOffline(false);
      await pages[1].click(".sync-badge");
      await pages[1].waitForSelector(".session-card [data-standing=waitlisted]", { timeout: 20_000 });
      assert.equal(await card(pages[1], "The Last Seat").locator(".register-status").textContent(), "Waitlisted #1");

      await card(pages[0], "The Last Seat").locator("[data-action=cancel]").click();
      await card(pages[0], "The Last Seat").locator("[data-action=confirm-cancel]").click();
      await pages[0].waitForSelector(".session-card [data-action=register]", { timeout: 20_000 });
      await pages[1].click(".sync-badge");
      await pages[1].waitForSelector(".session-card [data-standing=confirmed]", { timeout: 20_000 });

      const session = [...latest(await pullAll(url), "session").values()].find((s) => s.code === LAST_SEAT);
      assert.equal(session.confirmed_count, 1);
      assert.equal(session.waitlist_count, 0);
      assert.deepEqual(pageErrors, [[], []]);
    } finally {
      await alice.close();
      await bob.close();
      dirs.forEach(removeDir);
    }
  });
});
