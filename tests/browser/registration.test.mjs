// Browser tests of registration with the network gone (issue 3):
// (a) register offline → reload offline → browser restart → network back:
//     the server has it exactly once and the page shows the verdict;
// (b) two attendees race offline for the last seat: one confirmed, one
//     waitlisted, and promoted when the first cancels;
// (c) two tabs of one phone: only one syncs, a change made in the other
//     reaches the server through it, and both show the verdict;
// (d) the server's database is replaced: the phone keeps its unsent
//     change, asks to sign in again, then sends it;
// (e) a change the server refuses shows with its reason, and is dismissed;
// (g) a registration made before the device's first pull came shows on
//     the agenda after an offline restart;
// (h) a refusal stays when the phone signs in again (its changes numbered
//     from 1 again) and a new change of the same number is refused too;
// (i) a venue network that takes requests and never answers them: the
//     push is given up and the change sent on the next try, and signing
//     out does not wait for the server.
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  apiDevice,
  apiSignIn,
  appLive,
  demoCredentials,
  latest,
  launchProfile,
  openApp,
  organizerHeaders,
  pullAll,
  removeDir,
  runCli,
  signIn,
  startServer,
  syncBadgeText,
  tempDir,
  until,
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
    // The card was redrawn; the focus is on its new button, not lost.
    await page.waitForFunction((id) => document.activeElement?.closest(".register")?.dataset.session === id, sessionId);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "cancel");

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

    // The badge and its QR code open offline too (they came with the sign-in).
    await page.goto(`${url}/badge`);
    await page.waitForSelector("svg.badge-qr path");
    assert.equal(await page.locator(".badge-code").textContent(), people[0].badge);
    assert.ok(Number(await page.locator("svg.badge-qr").getAttribute("data-modules")) >= 21);
    await page.goto(`${url}/agenda`);
    await page.waitForSelector(".agenda-item");

    await app.context.setOffline(false);
    await page.click(".sync-badge");
    await page.waitForSelector(".agenda-item[data-standing=confirmed]", { timeout: 20_000 });
    assert.equal(await page.locator(".agenda-item .register-status").textContent(), "Registered");
    assert.match(await syncBadgeText(page), /Saved on this device · Last synced/);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Download calendar (.ics)")]);
    const ics = readFileSync(await download.path(), "utf8");
    assert.equal(download.suggestedFilename(), "hallpass-agenda.ics");
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.equal(ics.match(/BEGIN:VEVENT/g).length, 1);
    const escaped = title.replace(/\\/g, "\\\\").replace(/[,;]/g, (c) => `\\${c}`);
    assert.ok(ics.replace(/\r\n /g, "").includes(`SUMMARY:${escaped}\r\n`), ics);
    assert.match(ics, /STATUS:CONFIRMED/);

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

  it("(c) in two tabs only one syncs, and a change made in the other reaches the server through it", async () => {
    const dir = tempDir("tabs");
    const context = await launchProfile(dir);
    try {
      const first = context.pages()[0] ?? (await context.newPage());
      const tabErrors = watchErrors(first);
      await signIn(first, url, people[0]);
      // The registration (a) made on another device shows here: a sign-in
      // by link lands while the first, anonymous pull is on its way, whose
      // cursor once skipped everything older of this person's.
      await first.waitForSelector(".agenda-item[data-standing=confirmed]", { timeout: 15_000 });
      await first.goto(url);
      await waitForProgram(first);
      await waitForServiceWorker(first);
      const second = await context.newPage();
      tabErrors.push(...watchErrors(second));
      const syncRequests = { first: 0, second: 0 };
      first.on("request", (r) => r.url().includes("/api/v1/sync/") && syncRequests.first++);
      second.on("request", (r) => r.url().includes("/api/v1/sync/") && syncRequests.second++);
      await second.goto(url);
      await waitForProgram(second);

      const target = second.locator(".session-card").filter({ has: second.locator("[data-action=register]") }).first();
      const title = (await target.locator("h3 a").textContent()).trim();
      await target.locator("[data-action=register]").click();
      for (const page of [second, first]) {
        await page.waitForFunction(
          (t) => [...document.querySelectorAll(".session-card")].some((c) => c.querySelector("h3 a")?.textContent === t && c.querySelector("[data-standing=confirmed]")),
          title,
          { timeout: 20_000 },
        );
      }
      assert.ok(syncRequests.first > 0, "the first tab synced");
      assert.equal(syncRequests.second, 0, "the second tab never synced");
      assert.deepEqual(tabErrors, []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(f) a change queued in one tab while another signs in again is kept and reaches the server", async () => {
    const dir = tempDir("resign");
    const context = await launchProfile(dir);
    // Holds back, in the tab that asks for it, the answer of every
    // read-only read of the outbox until released: the moment between a
    // sign-in reading the outbox and rewriting it, made long.
    await context.addInitScript(() => {
      const getAll = IDBObjectStore.prototype.getAll;
      window.__held = [];
      IDBObjectStore.prototype.getAll = function (...args) {
        const request = getAll.apply(this, args);
        if (window.__holdOutboxReads && this.name === "outbox" && this.transaction.mode === "readonly") {
          request.addEventListener(
            "success",
            (event) => {
              event.stopImmediatePropagation();
              window.__held.push(() => request.dispatchEvent(new Event("success")));
            },
            { once: true },
          );
        }
        return request;
      };
    });
    try {
      const person = people[4];
      const first = context.pages()[0] ?? (await context.newPage());
      const tabErrors = watchErrors(first);
      await signIn(first, url, person);
      await first.goto(url);
      await waitForProgram(first);
      await waitForServiceWorker(first);
      const second = await context.newPage();
      await second.goto(url);
      await waitForProgram(second);
      // The first tab registers for one session; then the server stops
      // taking this device's token.
      // Two sessions with seats that do not overlap.
      const open = [...latest(await pullAll(url), "session").values()].filter(
        (s) => (s.capacity === null || s.confirmed_count < s.capacity) && Date.parse(s.starts_at) > Date.now(),
      );
      const [a, b] = (() => {
        for (const x of open)
          for (const y of open)
            if (Date.parse(x.ends_at) <= Date.parse(y.starts_at)) return [x, y];
        throw new Error("no two sessions apart");
      })();
      const [one, two] = [a.title, b.title];
      await context.setOffline(true);
      await card(first, one).locator("[data-action=register]").click();
      await first.waitForSelector(".session-card [data-standing=pending]");
      const token = await first.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const open = indexedDB.open("hallpass");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const get = open.result.transaction("meta").objectStore("meta").get("account");
              get.onsuccess = () => resolve(JSON.parse(get.result).token);
              get.onerror = () => reject(get.error);
            };
          }),
      );
      await context.setOffline(false);
      const out = await fetch(`${url}/api/v1/auth/signout`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      assert.equal(out.status, 204);
      await first.click(".sync-badge");
      await first.waitForFunction(() => /Sign in again/.test(document.querySelector(".sync-badge")?.textContent ?? ""), null, { timeout: 20_000 });

      // The first tab signs in again, and its read of the outbox is held…
      await first.goto(`${url}/signin`);
      await first.waitForSelector("#signin-code");
      await first.evaluate(() => (window.__holdOutboxReads = true));
      await first.fill("#signin-code", person.code);
      const signedIn = first.waitForResponse((r) => r.url().endsWith("/api/v1/auth/attendee"));
      await first.click(".signin-form button[type=submit]");
      await signedIn;
      await first.waitForFunction(() => window.__held.length > 0, null, { timeout: 2_000 }).catch(() => {});
      // …while the second tab queues a change of its own.
      await card(second, two).locator("[data-action=register]").click();
      await second.waitForFunction(
        (t) => [...document.querySelectorAll(".session-card")].some((c) => c.querySelector("h3 a")?.textContent === t && c.querySelector("[data-standing]")),
        two,
      );
      await first.evaluate(() => {
        window.__holdOutboxReads = false;
        for (const release of window.__held.splice(0)) release();
      });
      await first.waitForURL(`${url}/agenda`, { timeout: 15_000 });

      // Both changes reach the server, once each.
      const check = await apiDevice(url, "attendee", { signin_code: person.code });
      let titles = [];
      for (let i = 0; i < 40 && titles.length < 2; i++) {
        await first.click(".sync-badge");
        await new Promise((r) => setTimeout(r, 500));
        const sessions = latest(await pullAll(url), "session");
        titles = [...latest(await pullAll(url, check.token), "registration").values()]
          .filter((r) => r.status === "confirmed")
          .map((r) => sessions.get(r.session_id)?.title);
      }
      assert.deepEqual(titles.sort(), [one, two].sort(), "the second tab's change was not lost");
      assert.deepEqual(tabErrors.filter((e) => !/status of 401/.test(e)), []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(g) a registration made before the device's first pull shows on the agenda after an offline restart", async () => {
    const dir = tempDir("first-pull");
    let context = await launchProfile(dir);
    try {
      // The device's pulls never get through: all it holds of the program
      // is what the server rendered into the page.
      let pulls = 0;
      await context.route("**/api/v1/sync/pull**", (route) => {
        pulls += 1;
        return route.abort("internetdisconnected");
      });
      let page = context.pages()[0] ?? (await context.newPage());
      let pageErrors = watchErrors(page);
      await signIn(page, url, people[3]);
      await page.goto(url);
      await appLive(page);
      await waitForServiceWorker(page);
      // This page's sync loop has run (its code is in) before the network goes.
      const before = pulls;
      await until(() => pulls > before, "a pull from the program page");
      const first = page.locator(".session-card").filter({ has: page.locator("[data-action=register]") }).first();
      const title = (await first.locator("h3 a").textContent()).trim();
      await context.setOffline(true);
      await card(page, title).locator("[data-action=register]").click();
      await page.waitForSelector(".session-card [data-standing=pending]");
      assert.deepEqual(pageErrors, []);

      await context.close();
      context = await launchProfile(dir);
      await context.setOffline(true);
      page = context.pages()[0] ?? (await context.newPage());
      pageErrors = watchErrors(page);
      await page.goto(`${url}/agenda`);
      await page.waitForSelector(".agenda-item");
      assert.equal(await page.locator(".agenda-item .session-title").textContent(), title);
      assert.equal(await page.locator(".agenda-item").getAttribute("data-standing"), "pending");
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(d) when the server's database is replaced, the phone keeps its change, asks to sign in again and sends it", async () => {
    const dir = tempDir("replaced");
    const context = await launchProfile(dir);
    const freshDir = tempDir("fresh");
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors = watchErrors(page);
      await signIn(page, url, people[2]);
      await page.goto(url);
      await waitForProgram(page);
      await waitForServiceWorker(page);
      await context.setOffline(true);
      const target = page.locator(".session-card").filter({ has: page.locator("[data-action=register]") }).first();
      const title = (await target.locator("h3 a").textContent()).trim();
      await target.locator("[data-action=register]").click();
      await page.waitForSelector(".session-card [data-standing=pending]");

      // A new database behind the same address: new epoch, no devices.
      const addr = app.server.addr;
      await app.server.stop();
      app.server = await startServer({ db: join(freshDir, "hallpass.sqlite"), addr });
      await context.setOffline(false);
      await page.click(".sync-badge");
      await page.waitForFunction(() => /Sign in again · 1 change waiting/.test(document.querySelector(".sync-badge")?.textContent ?? ""), null, { timeout: 20_000 });

      await page.goto(`${url}/signin`);
      await page.waitForSelector("text=changes waiting on this device are kept");
      // The new database made its own sign-in codes: the card of the same
      // person says another code now. Opened on the sign-in page itself
      // (only the fragment changes), the link still signs in.
      const again = demoCredentials(app.server).find((p) => p.badge === people[2].badge);
      assert.ok(again, "the same person is in the new demo");
      assert.notEqual(again.code, people[2].code);
      await signIn(page, url, again);
      // Until the first pull from the new database, the agenda still shows
      // what the old one confirmed (the device keeps its copy); then only
      // the change it sent again, confirmed.
      await page.waitForFunction(
        (t) => {
          const items = [...document.querySelectorAll(".agenda-item")];
          return items.length === 1 && items[0].dataset.standing === "confirmed" && items[0].querySelector(".session-title")?.textContent === t;
        },
        title,
        { timeout: 20_000 },
      );

      const token = await apiSignIn(url, again);
      const mine = [...latest(await pullAll(url, token), "registration").values()];
      assert.equal(mine.length, 1, "the new server got the change once");
      assert.equal(mine[0].status, "confirmed");
      // The browser logs the refused token's 401 itself; that one is expected.
      assert.deepEqual(pageErrors.filter((e) => !/status of 401/.test(e)), []);
    } finally {
      await context.close();
      removeDir(dir);
      removeDir(freshDir);
    }
  });
});

/**
 * `n` pairs of sessions at overlapping times, no two pairs overlapping
 * each other: registering for both of a pair is a time conflict.
 */
async function overlappingPairs(url, n) {
  const all = [...latest(await pullAll(url), "session").values()];
  // Found on the page by title: only sessions whose title is theirs alone.
  const sessions = all
    .filter((s) => all.filter((t) => t.title === s.title).length === 1)
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  const overlaps = (a, b) => Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);
  const pairs = [];
  for (const a of sessions) {
    if (pairs.some((pair) => pair.some((s) => overlaps(s, a)))) continue;
    const b = sessions.find((s) => s !== a && overlaps(a, s));
    if (b) pairs.push([a, b]);
    if (pairs.length === n) return pairs;
  }
  assert.fail(`the demo program has ${n} apart pairs of overlapping sessions`);
}

/** Registers for `here` on the phone while a second device of the same
 * person registers for `elsewhere`, which the phone cannot know: offline,
 * so its push is refused as a time conflict once it is back. */
async function registerIntoConflict(app, person, [elsewhere, here]) {
  const url = app.server.url;
  await app.page.goto(url);
  await waitForProgram(app.page);
  await app.context.setOffline(true);
  const other = await apiDevice(url, "attendee", { signin_code: person.code });
  const [first] = await other.push([{ op: "registration.create", args: { registration_id: crypto.randomUUID(), session_id: elsewhere.id } }]);
  assert.equal(first.status, "applied");
  await card(app.page, here.title).locator("[data-action=register]").click();
  await card(app.page, here.title).locator("[data-standing=pending]").waitFor();
  await app.context.setOffline(false);
  await app.page.click(".sync-badge");
  return other;
}

describe("a change the server refuses", () => {
  let app;

  after(async () => {
    await app?.close();
  });

  /** A new server and browser, with the first demo person signed in. */
  async function afresh() {
    await app?.close();
    app = await openApp();
    const errors = watchErrors(app.page);
    const [person] = demoCredentials(app.server);
    await signIn(app.page, app.server.url, person);
    return { url: app.server.url, page: app.page, person, errors };
  }

  it("(e) shows on the Changes page with the server's reason, and can be dismissed", async () => {
    const { url, page, person, errors } = await afresh();
    const [[elsewhere, here]] = await overlappingPairs(url, 1);
    await registerIntoConflict(app, person, [elsewhere, here]);
    await page.goto(`${url}/sync`);
    const refused = page.locator(".rejected-list li[data-code=time_conflict]");
    await refused.waitFor({ timeout: 20_000 });
    const text = await refused.textContent();
    assert.ok(text.includes(`Register for “${here.title}”`), text);
    assert.match(text, new RegExp(elsewhere.title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal(await page.locator('nav a[href="/sync"] .count').textContent(), "1");

    await refused.locator("button", { hasText: "Dismiss" }).click();
    await refused.waitFor({ state: "detached" });
    await page.waitForSelector("text=The server has accepted every change so far.");
    assert.equal(await page.locator('nav a[href="/sync"] .count').count(), 0);
    assert.deepEqual(errors, []);
  });

  it("(h) a refusal is kept when the phone signs in again and a new change of the same number is refused too", async () => {
    const { url, page, person } = await afresh();
    const [first, second] = await overlappingPairs(url, 2);

    // Refused: the phone's first change, seq 1.
    const other = await registerIntoConflict(app, person, first);
    await page.goto(`${url}/sync`);
    const refused = page.locator(".rejected-list li[data-code=time_conflict]");
    await until(async () => (await refused.count()) === 1, "the first refusal on the Changes page", 20_000);

    // An organizer revokes the phone; it signs in again, as a new device
    // whose changes are numbered from 1 again.
    const admin = await organizerHeaders(app.server);
    const { devices } = await fetch(`${url}/api/v1/admin/devices`, { headers: admin }).then((r) => r.json());
    const phone = devices.find((d) => d.kind === "attendee" && d.attendee_id && d.device_id !== other.device_id && !d.revoked);
    assert.ok(phone, "the phone is among the devices");
    const revoked = await fetch(`${url}/api/v1/admin/devices/${phone.device_id}/revoke`, { method: "POST", headers: admin });
    assert.equal(revoked.status, 200);
    await page.click(".sync-badge");
    await page.goto(`${url}/signin`);
    await page.waitForSelector("text=changes waiting on this device are kept", { timeout: 20_000 });
    await signIn(page, url, person);

    // Refused again, as the new device's seq 1: both refusals stay.
    await registerIntoConflict(app, person, second);
    await page.goto(`${url}/sync`);
    await until(async () => (await refused.count()) === 2, "both refusals on the Changes page", 20_000);
    assert.deepEqual((await refused.evaluateAll((items) => items.map((li) => li.dataset.seq))).sort(), ["1", "1"]);
    const texts = await refused.allTextContents();
    for (const [, here] of [first, second]) {
      assert.ok(texts.some((t) => t.includes(`Register for “${here.title}”`)), `${here.title} in ${texts}`);
    }
    assert.equal(await page.locator('nav a[href="/sync"] .count').textContent(), "2");

    // Dismissing one leaves the other.
    await refused.filter({ hasText: first[1].title }).locator("button", { hasText: "Dismiss" }).click();
    await until(async () => (await refused.count()) === 1, "one refusal left", 10_000);
    assert.ok((await refused.textContent()).includes(second[1].title));
    assert.equal(await page.locator('nav a[href="/sync"] .count').textContent(), "1");
  });
});

describe("a network that takes requests and never answers", () => {
  let app;

  after(async () => {
    await app?.close();
  });

  it("(i) a push the network takes and never answers is given up and sent again; signing out does not wait for it", async () => {
    app = await openApp();
    const url = app.server.url;
    const page = app.page;
    const errors = watchErrors(page);
    const [person] = demoCredentials(app.server);
    await signIn(page, url, person);
    await page.goto(url);
    await waitForProgram(page);

    // The venue's Wi-Fi takes what is sent and answers nothing, while the
    // browser still says it is online: no error ever comes back.
    let silent = true;
    const held = [];
    await page.route("**/api/v1/**", (route) => {
      if (!silent) return route.continue();
      held.push(route.request().url());
      return new Promise(() => {});
    });
    const target = page.locator(".session-card").filter({ has: page.locator("[data-action=register]") }).first();
    const title = (await target.locator("h3 a").textContent()).trim();
    await card(page, title).locator("[data-action=register]").click();
    await until(() => held.some((u) => u.endsWith("/api/v1/sync/push")), "the push sent into the silent network", 20_000);

    // The network answers again. The push it swallowed is given up, and
    // the next round sends the change.
    silent = false;
    await until(async () => (await standing(card(page, title))) === "confirmed", "the registration confirmed", 120_000);
    const token = await apiSignIn(url, person);
    const mine = [...latest(await pullAll(url, token), "registration").values()];
    assert.equal(mine.length, 1, "exactly one registration on the server");
    assert.equal(mine[0].status, "confirmed");

    // Silent again: signing out forgets the person at once, and tells the
    // server when it can.
    silent = true;
    await page.goto(`${url}/sync`);
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Sign out and delete" }).click();
    await page.locator(".changes p a[href='/signin']").waitFor({ timeout: 10_000 });
    await page.goto(`${url}/agenda`);
    await page.waitForSelector("text=Your agenda is kept on this device");
    assert.equal(await page.locator(".agenda-item").count(), 0);
    assert.deepEqual(errors, []);
  });
});
