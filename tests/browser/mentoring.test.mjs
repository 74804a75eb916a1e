// Browser tests of the mentoring log (issue 5):
// (a) log, edit and delete (with undo) entries offline, reload offline,
//     come back online: the server has exactly what the phone shows, the
//     private note with it;
// (b) a mentor and a mentee both offline: the mentor's phone shows the
//     entry's code, the mentee's phone reads it (the scan fed as its decoded
//     text) and confirms; the mentee syncs first, then the mentor: the entry
//     is confirmed on both phones and on the server; editing it afterwards
//     warns, then clears the confirmation, and the mentee confirms the
//     edited entry from the list;
// (c) the growth record adds the sessions attended (a kiosk's check-in) to
//     the confirmed mentoring, per standard; the certificate prints alone;
// (d) the log and the growth record pass axe at phone width;
// (e) the partner's badge held up to the camera fills the partner field
//     (Chromium's fake camera, and a stand-in for the Barcode Detection API).
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  apiDevice,
  apiSignIn,
  axeViolations,
  demoCredentials,
  drained,
  latest,
  launchProfile,
  launchWithCamera,
  logEntry,
  openApp,
  pairingCode,
  pullAll,
  removeDir,
  showCode,
  signIn,
  tempDir,
  visit,
  waitForServiceWorker,
  watchErrors,
} from "./harness.mjs";

/** Opens the mentoring log and waits for it to have read the phone's store. */
async function openLog(page, url) {
  await page.goto(`${url}/mentoring`);
  await page.waitForSelector("[data-action=new-entry]");
}

/** The entries the log shows: [{ id, state, confirmed, text }]. */
async function shown(page) {
  return page.$$eval(".entry", (items) =>
    items.map((li) => ({ id: li.dataset.id, state: li.dataset.state, confirmed: li.dataset.confirmed, text: li.textContent })),
  );
}

/** Waits until the focused element matches `selector` (a keyboard user is there). */
async function focusedOn(page, selector) {
  await page.waitForFunction((sel) => document.activeElement?.matches(sel), selector, { timeout: 5_000 }).catch(async (e) => {
    const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
    throw new Error(`the focus is not on ${selector} but on ${at}`, { cause: e });
  });
}

async function syncNow(page) {
  await page.click(".sync-badge");
  await drained(page);
}

describe("mentoring log", () => {
  let app, url, people;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    people = demoCredentials(app.server);
    assert.ok(people.length >= 5, "the demo printed sample sign-ins");
  });

  after(async () => {
    await app?.close();
  });

  it("(a) entries logged, edited and deleted offline survive a reload and reach the server once", async () => {
    const page = app.page;
    const errors = watchErrors(page);
    await signIn(page, url, people[0]);
    await openLog(page, url);
    await waitForServiceWorker(page);
    await app.context.setOffline(true);

    await logEntry(page, { minutes: 45, badge: people[1].badge, activity: "co-planning", standards: ["Ethics", "Communication"], note: "Bus route <b>plan</b>" });
    await logEntry(page, { minutes: 30, name: "Pat Lee (home district)", role: "mentee" });
    let entries = await shown(page);
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.state === "pending"));
    assert.match(await page.locator(".log-summary").textContent(), /2 entries · 1 h 15 min in all/);
    assert.equal(await page.locator(".entry-note b").count(), 0, "the note is shown as text, not markup");

    // A bad entry is refused on the phone with the rule's words, and nothing is queued.
    await page.click("[data-action=new-entry]");
    await page.fill("#m-minutes", "800");
    await page.fill("#m-badge", people[1].badge);
    await page.click(".entry-form button[type=submit]");
    assert.match(await page.locator(".entry-form .form-error").textContent(), /Minutes: minutes must be a whole number from 1 to 720/);
    await page.fill("#m-minutes", "20");
    await page.fill("#m-badge", people[0].badge);
    await page.click(".entry-form button[type=submit]");
    assert.match(await page.locator(".entry-form .form-error").textContent(), /your own mentoring partner/);
    await page.click(".entry-form button:text-is('Cancel')");
    assert.equal((await shown(page)).length, 2);

    // Edit the first: 45 → 60 minutes. The focus follows, as a keyboard
    // user needs it to: into the form, then back to the entry's Edit.
    const first = page.locator(".entry", { hasText: "Co-planning" });
    const firstId = await first.getAttribute("data-id");
    await first.locator("[data-edit]").click();
    await focusedOn(page, "#m-date");
    await page.fill("#m-minutes", "60");
    await page.click(".entry-form button[type=submit]");
    await page.waitForSelector(".entry-form", { state: "detached" });
    assert.match(await first.textContent(), /1 h · Co-planning/);
    await focusedOn(page, `[data-edit="${firstId}"]`);

    // Delete the second, undo, delete again and let the undo time pass.
    const second = page.locator(".entry", { hasText: "Pat Lee" });
    const secondId = await second.getAttribute("data-id");
    await second.locator("[data-delete]").click();
    await page.waitForSelector("[data-action=undo]");
    await focusedOn(page, "[data-action=undo]");
    assert.equal((await shown(page)).length, 1);
    await page.click("[data-action=undo]");
    assert.equal((await shown(page)).length, 2);
    await focusedOn(page, `[data-edit="${secondId}"]`);
    // Deleted again later, it gets a whole undo time of its own: the first
    // deletion's time running out does not end it.
    await page.waitForTimeout(5_000);
    await second.locator("[data-delete]").click();
    await page.waitForTimeout(4_000);
    assert.equal(await page.locator("[data-action=undo]").count(), 1, "Undo still offered after the first deletion's time");
    await page.waitForSelector("[data-action=undo]", { state: "detached", timeout: 15_000 });

    await page.reload();
    await page.waitForSelector(".entry");
    entries = await shown(page);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].state, "pending");
    assert.match(entries[0].text, /1 h · Co-planning/);

    // The network's return syncs by itself and redraws the list; the
    // focus stays on the button it was on.
    await page.locator(`[data-edit="${firstId}"]`).focus();
    await app.context.setOffline(false);
    await page.waitForSelector(".entry[data-state=synced]", { timeout: 20_000 });
    await focusedOn(page, `[data-edit="${firstId}"]`);
    await drained(page);
    assert.match(await page.locator(".entry").textContent(), new RegExp(`You mentored \\S+ \\S+`));

    const token = await apiSignIn(url, people[0]);
    const onServer = [...latest(await pullAll(url, token), "mentoring_entry").values()];
    assert.equal(onServer.length, 1, "one entry: the deleted one never shows");
    assert.equal(onServer[0].id, entries[0].id);
    assert.equal(onServer[0].minutes, 60);
    assert.equal(onServer[0].partner_badge, people[1].badge);
    assert.deepEqual(onServer[0].standards, ["Communication", "Ethics"]);
    assert.equal(onServer[0].note, "Bus route <b>plan</b>");
    assert.deepEqual(errors, []);
  });

  it("(b) a mentor and a mentee confirm an entry with both phones offline, by its code", async () => {
    const dirs = [tempDir("mentor"), tempDir("mentee")];
    const [mentorContext, menteeContext] = await Promise.all(dirs.map((d) => launchProfile(d)));
    try {
      const [mentor, mentee] = [mentorContext.pages()[0] ?? (await mentorContext.newPage()), menteeContext.pages()[0] ?? (await menteeContext.newPage())];
      const pageErrors = [mentor, mentee].map(watchErrors);
      for (const [page, person] of [[mentor, people[2]], [mentee, people[3]]]) {
        await signIn(page, url, person);
        await openLog(page, url);
        await waitForServiceWorker(page);
      }
      await mentorContext.setOffline(true);
      await menteeContext.setOffline(true);

      await logEntry(mentor, { minutes: 50, badge: people[3].badge.toLowerCase(), activity: "shadowing", standards: ["Technology"] });
      await mentor.click(".entry [data-show-qr]");
      await mentor.waitForSelector(".entry-qr svg.badge-qr path");
      await focusedOn(mentor, "[data-action=close-qr]");
      const code = (await mentor.locator(".qr-text code").textContent()).trim();
      assert.match(code, /^HALLPASS-CONFIRM:/);

      await mentee.click("[data-action=scan-entry]");
      await focusedOn(mentee, "#entry-code");
      // A code naming someone else is refused on the phone.
      await mentee.fill("#entry-code", code.replace(people[3].badge.toUpperCase(), people[4].badge.toUpperCase()));
      await mentee.click(".entry-scan button[type=submit]");
      assert.match(await mentee.locator(".entry-scan .form-error").textContent(), /names someone else/);
      await mentee.fill("#entry-code", code);
      await mentee.click(".entry-scan button[type=submit]");
      await mentee.waitForSelector("[data-action=confirm-scanned]");
      await focusedOn(mentee, "[data-action=confirm-scanned]");
      assert.match(await mentee.locator(".scanned").textContent(), /logged 50 min of shadowing/);
      await mentee.click("[data-action=confirm-scanned]");
      await mentee.waitForSelector(".entry[data-confirmed=yes][data-state=pending]");

      // The mentee's confirmation reaches the server before the entry does.
      await menteeContext.setOffline(false);
      await syncNow(mentee);
      // Sent, but the server has no entry yet: shown as waiting for it, and
      // not yet counted as confirmed hours.
      await mentee.waitForSelector(".entry[data-confirmed=yes][data-state=awaiting]");
      assert.match(await mentee.locator(".entry").textContent(), /counts once your partner's phone has sent the entry/);
      assert.match(await mentee.locator(".log-summary").textContent(), /50 min in all · 0 min confirmed/);
      await mentorContext.setOffline(false);
      await syncNow(mentor);
      await mentor.waitForSelector(".entry[data-confirmed=yes][data-state=synced]", { timeout: 20_000 });
      assert.match(await mentor.locator(".entry").textContent(), /Confirmed by your partner/);
      // Until the entry itself arrives, the mentee's phone shows what the code said.
      await syncNow(mentee);
      await mentee.waitForFunction(
        () => /\S+ \S+ mentored you/.test(document.querySelector(".entry[data-confirmed=yes][data-state=synced]")?.textContent ?? ""),
        null,
        { timeout: 20_000 },
      );

      const token = await apiSignIn(url, people[3]);
      const entries = [...latest(await pullAll(url, token), "mentoring_entry").values()];
      assert.equal(entries.length, 1);
      assert.ok(entries[0].confirmed_at, "confirmed on the server");
      assert.equal(entries[0].note, undefined, "the partner's copy has no note");

      // Editing what was confirmed warns first, then clears the confirmation.
      await mentor.click(".entry [data-edit]");
      await mentor.fill("#m-minutes", "40");
      await mentor.click(".entry-form button[type=submit]");
      assert.match(await mentor.locator(".entry-form .form-error").textContent(), /clears their confirmation/);
      await mentor.click(".entry-form button[type=submit]");
      await mentor.waitForSelector(".entry[data-confirmed=no]");
      await syncNow(mentor);
      const after = [...latest(await pullAll(url, token), "mentoring_entry").values()];
      assert.equal(after[0].minutes, 40);
      assert.equal(after[0].confirmed_at, null);

      // The entry came back to the mentee unconfirmed: Confirm in the list signs it again.
      await syncNow(mentee);
      await mentee.waitForSelector(".entry[data-confirmed=no] [data-confirm]", { timeout: 20_000 });
      assert.match(await mentee.locator(".entry").textContent(), /40 min/);
      await mentee.click(".entry [data-confirm]");
      await mentee.waitForSelector(".entry[data-confirmed=yes][data-state=pending]");
      await syncNow(mentee);
      const signedAgain = [...latest(await pullAll(url, token), "mentoring_entry").values()];
      assert.ok(signedAgain[0].confirmed_at, "confirmed again from the list");
      assert.deepEqual(pageErrors, [[], []]);
    } finally {
      await mentorContext.close();
      await menteeContext.close();
      dirs.forEach(removeDir);
    }
  });

  it("(c) the growth record adds attended sessions to confirmed mentoring, per standard, and prints the certificate", async () => {
    const page = app.page;
    const errors = watchErrors(page);
    // Mentee people[1] confirms people[0]'s entry of (a): 60 min, Communication and Ethics.
    const menteeToken = await apiDevice(url, "attendee", { signin_code: people[1].code });
    const entry = [...latest(await pullAll(url, menteeToken.token), "mentoring_entry").values()][0];
    const seen = { role: entry.role, date: entry.date, minutes: entry.minutes, activity: entry.activity, standards: entry.standards };
    const [confirmed] = await menteeToken.push([{ op: "mentoring.confirm", args: { entry_id: entry.id, seen } }]);
    assert.equal(confirmed.status, "applied");
    // A kiosk checks people[0] in to a session aligned to Ethics.
    const session = [...latest(await pullAll(url), "session").values()].find((s) => s.standard === "Ethics");
    const kiosk = await apiDevice(url, "kiosk", { pairing_code: await pairingCode(app.server.db, "Door 1") });
    const [checkin] = await kiosk.push([
      { op: "checkin.record", args: { checkin_id: crypto.randomUUID(), badge_code: people[0].badge, session_id: session.id, kind: "entry" } },
    ]);
    assert.equal(checkin.status, "applied");
    const sessionMinutes = (Date.parse(session.ends_at) - Date.parse(session.starts_at)) / 60_000;

    await visit(page, `${url}/growth`);
    await page.click(".sync-badge");
    await page.waitForFunction(
      (title) => document.querySelector(".certificate")?.textContent.includes(title),
      session.title,
      { timeout: 20_000 },
    );
    const minutes = async (standard) => Number(await page.locator(`.growth-list li[data-standard="${standard}"]`).getAttribute("data-minutes"));
    assert.equal(await minutes("Ethics"), sessionMinutes + 60);
    assert.equal(await minutes("Communication"), 60);
    assert.equal(await minutes("Technology"), 0);
    assert.match(await page.locator('.growth-list li[data-standard="Ethics"] .growth-parts').textContent(), /mentoring confirmed 1 h/);
    assert.match(await page.locator(".certificate").textContent(), /Peer mentoring confirmed by a partner: 1 h\./);

    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator(".growth-record").isVisible(), false);
    assert.equal(await page.locator(".app-header").isVisible(), false);
    assert.equal(await page.locator(".certificate").isVisible(), true);
    await page.emulateMedia({ media: "screen" });

    // The growth record opens offline too.
    await app.context.setOffline(true);
    await page.reload();
    await page.waitForSelector('.growth-list li[data-standard="Ethics"]');
    assert.equal(await minutes("Ethics"), sessionMinutes + 60);
    await app.context.setOffline(false);
    assert.deepEqual(errors, []);
  });

  it("(d) the log, its form and the growth record pass axe at phone width", async () => {
    const page = app.page;
    const check = async (what) => {
      assert.deepEqual(await axeViolations(page), [], what);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
      assert.equal(sideways, false, `${what} scrolls sideways`);
    };
    await page.setViewportSize({ width: 360, height: 740 });
    await openLog(page, url);
    await page.waitForSelector(".entry");
    await check("log");
    await page.click("[data-action=new-entry]");
    await check("form");
    await page.click(".entry .entry-actions [data-edit]");
    await page.goto(`${url}/growth`);
    await page.waitForSelector(".growth-list");
    await check("growth");
  });

  it("(e) a partner's badge held up to the camera fills in the partner", async () => {
    const dir = tempDir("mentoring-camera");
    const context = await launchWithCamera(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors = watchErrors(page);
      await signIn(page, url, people[4]);
      await openLog(page, url);
      await page.click("[data-action=new-entry]");
      await page.fill("#m-badge", "typed first");
      await page.click("[data-action=camera]");
      await page.waitForFunction(() => document.querySelector("video.camera")?.srcObject?.active === true);
      await showCode(page, people[0].badge);
      await page.waitForFunction((code) => document.querySelector("#m-badge")?.value === code, people[0].badge, { timeout: 10_000 });
      await showCode(page, null);
      await page.click("[data-action=camera]");
      await page.fill("#m-minutes", "25");
      await page.click(".entry-form button[type=submit]");
      await page.waitForSelector(".entry-form", { state: "detached" });
      assert.match(await page.locator(".entry").first().textContent(), /25 min/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });
});
