// Browser tests of the check-in kiosk (issue 4):
// (a) a paired kiosk goes offline, checks in 50 people by typed scans and
//     by name search (accents not typed), reloads offline, comes back
//     online: the server has 50 check-ins, none flagged;
// (b) two kiosks offline check in the same person: after both sync, the
//     server has one check-in plus one flagged duplicate, and the next
//     scan says "already checked in at … (Kiosk …)";
// (c) session-room mode: confirmed, walk-in, and the room count;
// (d) unpairing warns about unsent check-ins, then wipes the kiosk;
// (f) the pairing page and the desk (name list and verdict showing) pass
//     axe at tablet and phone widths;
// (g) an empty device's /kiosk is the server's pairing form (inert until
//     the app replaces it with its own), a paired one's is not;
// (e) the camera scanner: Chromium's fake camera, and a stand-in for the
//     Barcode Detection API (which Chromium on Linux lacks) reporting the
//     badge "in view".
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  apiDevice, axeViolations, latest, launchProfile, launchWithCamera, openApp, pairingCode, pullAll, removeDir, showCode, signinCode, tempDir, waitForServiceWorker, watchErrors,
  drained,
  holdBundle,
  until,
  pairKiosk,
} from "./harness.mjs";

const fullName = (p) => `${p.first_name} ${p.last_name}`;

/** Lower case without accents, as a person at a kiosk would type. */
const plain = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

async function pair(page, url, code) {
  await pairKiosk(page, url, code);
  await page.waitForSelector("#scan");
}

/** Types the code as a keyboard-wedge scanner does (keys, then Enter). */
async function scan(page, code) {
  await page.locator("#scan").pressSequentially(code);
  await page.press("#scan", "Enter");
}

/** Waits for the verdict about `name` and returns its kind. */
async function verdictFor(page, name) {
  const panel = page.locator(".verdict", { has: page.locator(`.verdict-name:text-is(${JSON.stringify(name)})`) });
  await panel.waitFor({ timeout: 10_000 });
  return panel.getAttribute("data-verdict");
}

async function count(page) {
  return Number(await page.locator(".desk-header").getAttribute("data-count"));
}

describe("check-in kiosk", () => {
  let app, url, observer, roster, errors;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    // An organizer's view of the server: a kiosk paired over the API.
    observer = await apiDevice(url, "kiosk", { pairing_code: await pairingCode(app.server.db, "Observer") });
    const everything = await pullAll(url, observer.token);
    roster = [...latest(everything, "attendee").values()];
    assert.ok(roster.length >= 120, `the demo roster has people (${roster.length})`);
  });

  after(async () => {
    await app?.close();
  });

  /** Check-ins on the server now, as the observer kiosk pulls them. */
  async function serverCheckins() {
    return [...latest(await pullAll(url, observer.token), "checkin").values()];
  }

  it("(a) checks in 50 people offline by scan and by name, and the server gets all 50", async () => {
    const page = app.page;
    errors = watchErrors(page);
    await pair(page, url, await pairingCode(app.server.db, "Kiosk A"));
    await waitForServiceWorker(page);
    assert.equal(await page.locator(".kiosk-name").textContent(), "Kiosk A");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "scan", "the scan field holds focus");

    // Fifty different people whose full names are unique on the roster,
    // one of them with an accent in their name.
    const seen = new Map();
    for (const p of roster) seen.set(plain(fullName(p)), (seen.get(plain(fullName(p))) ?? 0) + 1);
    const unique = roster.filter((p) => seen.get(plain(fullName(p))) === 1);
    const withAccent = unique.find((p) => /[^\x00-\x7f]/.test(fullName(p)));
    assert.ok(withAccent, "the demo roster has accented names");
    const people = [withAccent, ...unique.filter((p) => p !== withAccent).slice(0, 49)];
    const accented = 0;

    await app.context.setOffline(true);
    for (const [i, p] of people.entries()) {
      if (i % 5 === 4 || i === accented) {
        // By name: a few letters of each name, no accents, then a tap.
        const typed = `${plain(p.first_name).slice(0, 3)} ${plain(p.last_name).slice(0, -1)}`;
        await page.fill("#scan", typed);
        await page.locator(".name-matches button.match", { has: page.locator(`.match-name:text-is(${JSON.stringify(fullName(p))})`) }).click();
      } else {
        await scan(page, i % 2 ? p.badge_code.toLowerCase() : p.badge_code);
      }
      assert.equal(await verdictFor(page, fullName(p)), "in", `${fullName(p)} is checked in`);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "scan", "focus returns to the scan field");
    }
    assert.equal(await count(page), 50);

    // An unknown badge is a clear "not found", recorded nowhere.
    await scan(page, "NOPE-0000");
    await page.locator(".verdict[data-verdict=not-found]").waitFor();
    // The verdict clears itself for the next person.
    await page.locator(".verdict").waitFor({ state: "detached", timeout: 10_000 });

    await page.reload();
    await page.waitForSelector("#scan");
    await page.waitForFunction(() => document.querySelector(".desk-header")?.dataset.count === "50", null, { timeout: 10_000 });
    assert.equal((await serverCheckins()).length, 0, "nothing reached the server while offline");

    await app.context.setOffline(false);
    await drained(page);
    const rows = await serverCheckins();
    assert.equal(rows.length, 50);
    assert.deepEqual(new Set(rows.map((r) => r.attendee_id)), new Set(people.map((p) => p.id)));
    assert.ok(rows.every((r) => r.duplicate_of === null && r.kiosk === "Kiosk A" && r.session_id === null));
    assert.deepEqual(errors, []);
  });

  it("(b) two kiosks offline check in the same person: one check-in and one flagged duplicate", async () => {
    const dirs = [tempDir("kiosk-b"), tempDir("kiosk-c")];
    const contexts = await Promise.all(dirs.map((d) => launchProfile(d)));
    try {
      const pages = await Promise.all(contexts.map(async (c) => c.pages()[0] ?? (await c.newPage())));
      await pair(pages[0], url, await pairingCode(app.server.db, "Kiosk B"));
      await pair(pages[1], url, await pairingCode(app.server.db, "Kiosk C"));
      const person = roster[roster.length - 1];
      const before = (await serverCheckins()).length;

      await Promise.all(contexts.map((c) => c.setOffline(true)));
      for (const page of pages) {
        await scan(page, person.badge_code);
        assert.equal(await verdictFor(page, fullName(person)), "in", "neither kiosk knows of the other's scan");
      }
      for (const [i, c] of contexts.entries()) {
        await c.setOffline(false);
        await drained(pages[i]);
      }
      const theirs = (await serverCheckins()).filter((r) => r.attendee_id === person.id);
      assert.equal((await serverCheckins()).length, before + 2, "both scans are kept");
      assert.equal(theirs.length, 2);
      const first = theirs.find((r) => r.duplicate_of === null);
      const later = theirs.find((r) => r.duplicate_of !== null);
      assert.ok(first && later, "one first check-in and one flagged duplicate");
      assert.equal(later.duplicate_of, first.id);

      // Once synced, a kiosk knows: the next scan says when and where.
      const page = pages[0];
      await page.reload();
      await page.waitForSelector("#scan");
      await page.waitForFunction(() => Number(document.querySelector(".desk-header")?.dataset.count) > 50, null, { timeout: 20_000 });
      await scan(page, person.badge_code);
      assert.equal(await verdictFor(page, fullName(person)), "again");
      const earlier = await page.locator(".verdict").textContent();
      assert.match(earlier, new RegExp(`Already checked in at \\d{1,2}:\\d\\d [AP]M \\(${first.kiosk}\\)`));
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
      dirs.forEach(removeDir);
    }
  });

  it("(c) session-room mode shows who is registered and counts the room", async () => {
    const page = app.page;
    const sessions = [...latest(await pullAll(url, observer.token), "session").values()];
    const session = sessions.find((s) => s.capacity !== null && s.confirmed_count === 0 && s.waitlist_count === 0);
    const [registered, walkIn] = [roster[1], roster[2]];
    // `registered` signs in on their phone (over the API) and registers.
    const code = await signinCode(app.server.db, registered.badge_code);
    const phone = await apiDevice(url, "attendee", { signin_code: code });
    const [result] = await phone.push([
      { op: "registration.create", args: { registration_id: crypto.randomUUID(), session_id: session.id } },
    ]);
    assert.equal(result.outcome?.status, "confirmed");

    await page.goto(`${url}/kiosk`);
    await page.waitForSelector("#place");
    await page.selectOption("#place", session.id);
    await page.waitForURL(`${url}/kiosk/sessions/${session.id}`);
    await page.waitForFunction((t) => document.querySelector(".desk-header h1")?.textContent.includes(t), session.title);
    assert.equal(await count(page), 0);
    // The registration reached the kiosk with the sync on opening.
    await page.waitForFunction(() => /1 registered/.test(document.querySelector(".desk-count")?.textContent ?? ""), null, { timeout: 70_000 });

    await scan(page, registered.badge_code);
    await verdictFor(page, fullName(registered));
    assert.equal(await page.locator(".verdict-standing").getAttribute("data-standing"), "confirmed");
    await scan(page, walkIn.badge_code);
    await verdictFor(page, fullName(walkIn));
    assert.equal(await page.locator(".verdict-standing").getAttribute("data-standing"), "not-registered");
    assert.equal(await count(page), 2);
    assert.match(await page.locator(".desk-count").textContent(), new RegExp(`2 in the room · ${session.capacity} seats`));

    await drained(page);
    const here = (await serverCheckins()).filter((r) => r.session_id === session.id);
    assert.deepEqual(new Set(here.map((r) => r.attendee_id)), new Set([registered.id, walkIn.id]));
  });

  it("(e) a badge held up to the camera checks in once, and the camera switches off", async () => {
    const dir = tempDir("kiosk-camera");
    const context = await launchWithCamera(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await pair(page, url, await pairingCode(app.server.db, "Kiosk D"));
      const taken = new Set((await serverCheckins()).map((r) => r.attendee_id));
      const person = roster.find((p) => !taken.has(p.id));
      const before = await count(page);
      await page.click("[data-action=camera]");
      await page.waitForFunction(() => document.querySelector("video.camera")?.srcObject?.active === true);
      await showCode(page, person.badge_code);
      assert.equal(await verdictFor(page, fullName(person)), "in");
      // Held up for another second: still one check-in.
      await page.waitForTimeout(1000);
      assert.equal(await count(page), before + 1);
      await showCode(page, null);
      await page.click("[data-action=camera]");
      await page.waitForFunction(() => document.querySelector("video.camera")?.hidden && !document.querySelector("video.camera").srcObject);
      await drained(page);
      const theirs = (await serverCheckins()).filter((r) => r.attendee_id === person.id && r.kiosk === "Kiosk D");
      assert.equal(theirs.length, 1);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(f) the pairing page and the desk pass axe, with no sideways scrolling", async () => {
    const dir = tempDir("kiosk-axe");
    const context = await launchProfile(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const check = async (what) => {
        assert.deepEqual(await axeViolations(page), [], what);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scrolling: ${what}`);
      };
      await page.goto(`${url}/kiosk`);
      await page.waitForSelector("body[data-app=live] #pairing-code");
      await check("pairing page");
      await pair(page, url, await pairingCode(app.server.db, "Kiosk E"));
      for (const [width, height] of [[1024, 768], [360, 740]]) {
        await page.setViewportSize({ width, height });
        const person = roster[5];
        await scan(page, person.badge_code);
        await verdictFor(page, fullName(person));
        await check(`desk with a verdict at ${width}px`);
        await page.fill("#scan", plain(person.last_name).slice(0, 4));
        await page.waitForSelector(".name-matches button.match");
        await check(`desk with names at ${width}px`);
        await page.fill("#scan", "");
      }
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(d) unpairing warns about unsent check-ins, then wipes the kiosk", async () => {
    const page = app.page;
    await page.goto(`${url}/kiosk`);
    await page.waitForSelector("#scan");
    await app.context.setOffline(true);
    const person = roster[3];
    await scan(page, person.badge_code);
    await verdictFor(page, fullName(person));
    await page.click("[data-action=unpair]");
    assert.match(await page.locator(".warning").textContent(), /1 check-in on this kiosk has not reached the server/);
    await page.click("[data-action=confirm-unpair]");
    await page.waitForSelector("#pairing-code");
    const left = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("hallpass");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(["attendees", "checkins", "outbox"]);
            const counts = {};
            for (const name of ["attendees", "checkins", "outbox"]) {
              const request = tx.objectStore(name).count();
              request.onsuccess = () => (counts[name] = request.result);
            }
            tx.oncomplete = () => resolve(counts);
          };
        }),
    );
    assert.deepEqual(left, { attendees: 0, checkins: 0, outbox: 0 });
    assert.equal(await accountCookie(app.context), undefined, "the server is told the device is empty again");
    await app.context.setOffline(false);
  });

  it("(g) an empty device's kiosk page is the server's pairing form, inert until the app takes it over; paired, it opens offline on the desk", async () => {
    const dir = tempDir("kiosk-first");
    const context = await launchProfile(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors = watchErrors(page);
      // The bundle is held back: what is on screen is the server's page.
      const release = await holdBundle(page);
      await page.goto(`${url}/kiosk`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector(".pair-form");
      assert.notEqual(await page.evaluate(() => document.body.dataset.app), "live");
      assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Set up a check-in kiosk");
      const field = page.getByLabel("Pairing code");
      assert.equal(await field.getAttribute("readonly"), "", "nothing can be typed where it would be lost");
      assert.ok(await page.getByRole("button", { name: "Pair this kiosk" }).isDisabled(), "nor sent in the address");
      await release();
      assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Set up a check-in kiosk");
      assert.equal(await field.getAttribute("readonly"), null, "the app's form takes typing");

      await pair(page, url, await pairingCode(app.server.db, "Kiosk G"));
      assert.equal(await accountCookie(context), "held");
      // A paired device: the server no longer draws the pairing form.
      const served = await (await page.request.get(`${url}/kiosk`)).text();
      assert.ok(!served.includes("pair-form"), "no pairing form for a paired kiosk");
      assert.match(served, /class="placeholder"/);
      // The worker's copy of /kiosk was the pairing form (this device was
      // empty when it installed); pairing had it fetched again, so the
      // kiosk offline opens on its desk, not on the form.
      // (Polled from here: `waitForFunction` takes a promise for truthy.)
      await until(
        () =>
          page.evaluate(async () => {
            for (const key of await caches.keys()) {
              const cached = await (await caches.open(key)).match("/kiosk");
              if (cached && !(await cached.text()).includes("pair-form")) return true;
            }
            return false;
          }),
        "the worker's copy of /kiosk is no longer the pairing form",
        20_000,
      );
      await context.setOffline(true);
      const offline = await page.goto(`${url}/kiosk`, { waitUntil: "domcontentloaded" });
      const html = await offline.text();
      assert.ok(!html.includes("pair-form"), "no pairing form offline");
      assert.match(html, /class="placeholder"/);
      await page.waitForSelector("#scan");
      await context.setOffline(false);
      await page.reload();
      await page.waitForSelector("#scan");

      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });
});

/** The hint the app keeps for the server: whether the device holds an account. */
async function accountCookie(context) {
  const cookies = await context.cookies();
  return cookies.find((c) => c.name === "hallpass_account")?.value;
}
