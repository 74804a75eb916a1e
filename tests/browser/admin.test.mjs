// Browser tests of the organizers' console (issue 10), in Chromium against
// the real server:
// (a) an organizer signs in through the form and the overview's count of
//     people in climbs when a kiosk syncs, with no reload;
// (b) revoking a kiosk on the devices page: the kiosk, offline with an
//     unsent check-in, is refused when it syncs, keeps the check-in and
//     says to call an organizer; paired again, it sends it;
// (c) importing a bad file shows every bad row and imports nothing;
// (d) an export downloads as a CSV Excel reads (byte-order mark, header);
// (e) every page passes axe at laptop and phone widths, with no sideways
//     scrolling of the page itself;
// (f) a kiosk pairs by reading the pairing code's QR code with its camera.
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { DEMO_ORGANIZER, apiDevice, axeViolations, demoCredentials, demoPassword, latest, launchProfile, launchWithCamera, openApp, pairKiosk, pairingCode, pullAll, removeDir, showCode, tempDir, watchErrors } from "./harness.mjs";

async function signInAsOrganizer(page, url, password) {
  await page.goto(`${url}/admin`);
  // Without a session: the sign-in form, which brings us back here.
  await page.waitForURL(/\/admin\/signin\?next=/);
  await page.fill("input[name=email]", DEMO_ORGANIZER);
  await page.fill("input[name=password]", password);
  await page.click("form.stack button[type=submit]");
  await page.waitForURL(`${url}/admin`);
}

describe("organizer console", () => {
  let app, url, password, organizer, organizerDir;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    password = demoPassword(app.server);
    organizerDir = tempDir("organizer");
    organizer = await launchProfile(organizerDir);
  });

  after(async () => {
    await organizer?.close();
    removeDir(organizerDir);
    await app?.close();
  });

  it("(a) signs in by the form, and the overview counts a kiosk's check-ins without a reload", async () => {
    const page = organizer.pages()[0] ?? (await organizer.newPage());
    const errors = watchErrors(page);
    await signInAsOrganizer(page, url, password);
    assert.equal(await page.locator("#checked-in").textContent(), "0");
    const cookies = await organizer.cookies(url);
    const session = cookies.find((c) => c.name === "hallpass_admin");
    assert.ok(session?.httpOnly && session.sameSite === "Strict", "an HttpOnly, SameSite=Strict session cookie");

    // A marker that a reload would wipe.
    await page.evaluate(() => (window.stillHere = true));
    const kiosk = await apiDevice(url, "kiosk", { pairing_code: await pairingCode(app.server.db, "Kiosk A") });
    const people = [...latest(await pullAll(url, kiosk.token), "attendee").values()].slice(0, 3);
    await kiosk.push(
      people.map((p) => ({
        op: "checkin.record",
        args: { checkin_id: crypto.randomUUID(), badge_code: p.badge_code, session_id: null, kind: "entry" },
      })),
    );
    await page.waitForFunction(() => document.querySelector("#checked-in")?.textContent === "3", null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.stillHere), true, "updated in place, not reloaded");
    assert.match(await page.locator(".updated").textContent(), /Updated at \d{1,2}:\d{2} (AM|PM)/);
    assert.deepEqual(errors, []);
  });

  it("(b) a revoked kiosk is refused, keeps its unsent check-in, says to call an organizer, and sends it once paired again", async () => {
    const kioskPage = app.page;
    await pairKiosk(kioskPage, url, await pairingCode(app.server.db, "Kiosk R"));

    const observer = await apiDevice(url, "kiosk", { pairing_code: await pairingCode(app.server.db, "Observer") });
    const person = [...latest(await pullAll(url, observer.token), "attendee").values()][10];
    await app.context.setOffline(true);
    await kioskPage.locator("#scan").pressSequentially(person.badge_code);
    await kioskPage.press("#scan", "Enter");
    await kioskPage.locator(".verdict").waitFor();

    const page = organizer.pages()[0];
    await page.goto(`${url}/admin/devices`);
    await page.click('button[aria-label="Revoke Kiosk R"]');
    await page.waitForURL(`${url}/admin/devices`);
    const row = page.locator("tr", { has: page.locator("td:text-is('Kiosk R')") });
    assert.equal(await row.locator(".revoked").textContent(), "revoked");

    await app.context.setOffline(false);
    await kioskPage.click(".sync-badge");
    await kioskPage.waitForSelector(".kiosk .warning", { timeout: 15_000 });
    assert.match(await kioskPage.locator(".kiosk .warning").textContent(), /revoked: call an organizer/);
    assert.equal(await kioskPage.locator('nav a[href="/sync"] .count').textContent(), "1", "the check-in is still on the kiosk");
    const before = [...latest(await pullAll(url, observer.token), "checkin").values()];
    assert.equal(before.filter((c) => c.attendee_id === person.id).length, 0, "the revoked token sent nothing");

    // Paired again with a code made on the devices page: the check-in goes.
    await page.fill("#kiosk-name", "Kiosk R again");
    await page.click("form[action='/admin/kiosks'] button[type=submit]");
    const code = (await page.locator("#pairing-code").textContent()).trim();
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.equal(await page.locator("svg.pairing-qr").count(), 1, "the code as a QR code too");
    await kioskPage.fill(".warning #pairing-code", code);
    await kioskPage.click(".warning .pair-form button[type=submit]");
    await kioskPage.waitForFunction(() => !document.querySelector('nav a[href="/sync"] .count'), null, { timeout: 20_000 });
    const after = [...latest(await pullAll(url, observer.token), "checkin").values()];
    assert.equal(after.filter((c) => c.attendee_id === person.id).length, 1, "sent once paired again");
  });

  it("(c) a bad import lists every bad row and imports nothing", async () => {
    const page = organizer.pages()[0];
    await page.goto(`${url}/admin/import`);
    await page.check("#kind-attendees");
    const csv =
      "badge_code,first_name,last_name,email,state,local,career_family,role\n" +
      "NEW-0001,Ana,Diaz,,OH,Local 1,Paraeducators,attendee\n" +
      "x,Bad,Badge,,OH,Local 1,Paraeducators,attendee\n" +
      "NEW-0003,Cy,Moss,,Atlantis,Local 1,Paraeducators,attendee\n";
    await page.setInputFiles("#file", { name: "attendees.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.click("form[action='/admin/import'] button[type=submit]");
    const result = page.locator("#import-result");
    await result.waitFor();
    assert.match(await result.textContent(), /2 bad rows in attendees\.csv; nothing was imported/);
    const lines = await result.locator("tbody tr td:first-child").allTextContents();
    assert.deepEqual(lines, ["3", "4"]);
    const observer = await apiDevice(url, "kiosk", { pairing_code: await pairingCode(app.server.db, "Observer 2") });
    const roster = [...latest(await pullAll(url, observer.token), "attendee").values()];
    assert.ok(!roster.some((p) => p.badge_code === "NEW-0001"), "not even the good row");

    await page.check("#kind-attendees");
    await page.setInputFiles("#file", { name: "attendees.csv", mimeType: "text/csv", buffer: Buffer.from(csv.split("\n").slice(0, 2).join("\n") + "\n") });
    await page.click("form[action='/admin/import'] button[type=submit]");
    await page.locator("#import-result.success").waitFor();
    assert.match(await page.locator("#import-result").textContent(), /1 created, 0 updated/);
  });

  it("(d) an export downloads as a CSV that Excel reads", async () => {
    const page = organizer.pages()[0];
    await page.goto(`${url}/admin/checkins`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("a[download='checkins.csv']")]);
    assert.equal(download.suggestedFilename(), "hallpass-checkins.csv");
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte-order mark");
    const lines = bytes.toString("utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    assert.match(lines[0], /^checkin_id,device_time,server_time,badge_code/);
    assert.ok(lines.length >= 5, `the check-ins so far (${lines.length - 1})`);
  });

  it("(f) a kiosk pairs by reading the code's QR code off the devices page with its camera", async () => {
    const page = organizer.pages()[0];
    await page.goto(`${url}/admin/devices`);
    await page.fill("#kiosk-name", "Kiosk Camera");
    await page.click("form[action='/admin/kiosks'] button[type=submit]");
    const code = (await page.locator("#pairing-code").textContent()).trim();
    const dir = tempDir("kiosk-pair-camera");
    const context = await launchWithCamera(dir);
    try {
      const kiosk = context.pages()[0] ?? (await context.newPage());
      const errors = watchErrors(kiosk);
      await kiosk.goto(`${url}/kiosk`);
      await kiosk.click(".pair-form [data-action=camera]");
      await kiosk.waitForFunction(() => document.querySelector("video.camera")?.srcObject?.active === true);
      await showCode(kiosk, code);
      await kiosk.waitForSelector("#scan", { timeout: 15_000 });
      assert.equal(await kiosk.locator(".kiosk-name").textContent(), "Kiosk Camera");
      // The pairing form is gone and its camera with it.
      await kiosk.waitForFunction(() => ![...document.querySelectorAll("video")].some((v) => v.srcObject?.active));
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(g) the help desk shows a person's code, their phone types it and signs in, and a reissue stops only the old code", async () => {
    const page = organizer.pages()[0];
    const person = demoCredentials(app.server)[1];
    await page.goto(`${url}/admin/attendees`);
    await page.fill("#roster-q", person.badge.toLowerCase());
    await page.click("form[role=search] button[type=submit]");
    await page.click(`a[href='/admin/attendees/${person.badge}']`);
    await page.click("text=Show the sign-in code on this screen");
    const shown = (await page.locator(".signin-code").textContent()).trim();
    assert.equal(shown, person.code, "the code the demo printed");

    const dir = tempDir("help-desk-phone");
    const phone = await launchProfile(dir);
    try {
      const tab = phone.pages()[0] ?? (await phone.newPage());
      const errors = watchErrors(tab);
      await tab.goto(`${url}/signin`);
      // Typed as a person would: lower case, spaces for dashes.
      await tab.fill("#signin-code", shown.toLowerCase().replaceAll("-", " "));
      await tab.click(".signin-form button[type=submit]");
      await tab.waitForURL(`${url}/agenda`);

      await page.click("text=Make a new sign-in code");
      await page.waitForSelector("text=A new sign-in code was made");
      const renewed = (await page.locator(".signin-code").textContent()).trim();
      assert.notEqual(renewed, shown);

      // The phone already signed in keeps working…
      await tab.reload();
      await tab.click(".sync-badge");
      await tab.waitForFunction(() => /Last synced/.test(document.querySelector(".sync-badge")?.textContent ?? ""), null, { timeout: 15_000 });
      // A link opened on a phone already signed in changes nothing, and
      // says so; the code leaves the address bar all the same.
      const other = await phone.newPage();
      await other.goto(`${url}/signin#code=${renewed}`);
      await other.waitForSelector("text=The sign-in link was not used");
      assert.doesNotMatch(other.url(), /code=/, "the code left the address bar");
      // The old code signs nobody in; the new one does.
      const refused = await fetch(`${url}/api/v1/auth/attendee`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ signin_code: shown }),
      });
      assert.equal(refused.status, 401);
      assert.ok((await apiDevice(url, "attendee", { signin_code: renewed })).token);
      assert.deepEqual(errors, []);
    } finally {
      await phone.close();
      removeDir(dir);
    }
  });

  it("(h) a phone's sign-in page reads a printed card's QR code with its camera", async () => {
    const page = organizer.pages()[0];
    const person = demoCredentials(app.server)[2];
    await page.goto(`${url}/admin/cards?badge=${person.badge}`);
    assert.equal(await page.locator(".signin-card").count(), 1);
    assert.equal((await page.locator(".signin-card .signin-code").textContent()).trim(), person.code);
    const dir = tempDir("card-camera");
    const context = await launchWithCamera(dir);
    try {
      const phone = context.pages()[0] ?? (await context.newPage());
      const errors = watchErrors(phone);
      await phone.goto(`${url}/signin`);
      await phone.click(".signin-form [data-action=camera]");
      await phone.waitForFunction(() => document.querySelector("video.camera")?.srcObject?.active === true);
      // What the card's QR code holds: the sign-in link.
      await showCode(phone, person.link);
      await phone.waitForURL(`${url}/agenda`, { timeout: 15_000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      removeDir(dir);
    }
  });

  it("(e) every page passes axe at laptop and phone widths without sideways scrolling", async () => {
    const page = organizer.pages()[0];
    const sessionHref = await (async () => {
      await page.goto(`${url}/admin/sessions`);
      return page.locator("table.sessions tbody a").first().getAttribute("href");
    })();
    const badge = demoCredentials(app.server)[3].badge;
    const pages = ["/admin", "/admin/sessions", sessionHref, "/admin/checkins", "/admin/mentoring", "/admin/mentoring?by=standard", "/admin/devices", "/admin/import", "/admin/attendees", `/admin/attendees/${badge}?show=1`, `/admin/cards?badge=${badge}`];
    for (const [width, height] of [[1280, 800], [360, 740]]) {
      await page.setViewportSize({ width, height });
      for (const path of pages) {
        await page.goto(`${url}${path}`);
        assert.deepEqual(await axeViolations(page), [], `${path} at ${width}px`);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `no sideways scrolling: ${path} at ${width}px`);
      }
    }
    await page.goto(`${url}/admin/signin`);
    assert.deepEqual(await axeViolations(page), [], "the sign-in form");
  });
});
