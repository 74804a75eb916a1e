// Browser test of markup in data (issue 14): a session title, a room, a
// description and a person's name that look like HTML are imported; every
// attendee and kiosk page shows them as text, makes no element of them and
// runs nothing of them.
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  launchProfile,
  logEntry,
  openApp,
  pairKiosk,
  pairingCode,
  removeDir,
  runCli,
  signIn,
  signinCode,
  tempDir,
  visit,
  watchErrors,
} from "./harness.mjs";

// Each would run or make an element if it were read as markup.
const TITLE = `<img src=x onerror="window.__ran='title'">Bus <b>Safety</b> & "you"`;
const ROOM = `<script>window.__ran='room'</script>Hall <i>A</i>`;
const DESCRIPTION = `<a href="javascript:window.__ran='link'">Read</a> first`;
const FIRST = `<b onmouseover="window.__ran='first'">Zoë</b>`;
const LAST = `<svg onload="window.__ran='last'"></svg>O'Hara`;
const PARTNER = `<iframe src="javascript:window.__ran='partner'"></iframe>Pat`;
const BADGE = "MARKUP-1";
const INJECTED = "img[src=x], main script, main b, main i, main iframe, main svg:not(.badge-qr), a[href^=javascript]";

/** CSV quoting: every field in quotes, quotes doubled. */
const csvRow = (fields) => fields.map((f) => `"${String(f).replaceAll('"', '""')}"`).join(",");

/** Asserts the page shows each text as text, with nothing injected and nothing run. */
async function showsAsText(page, what, texts) {
  await page.waitForFunction((t) => document.querySelector("main")?.textContent.includes(t), texts[0], { timeout: 20_000 }).catch((e) => {
    throw new Error(`${what}: ${texts[0]} never showed`, { cause: e });
  });
  const main = await page.locator("main").textContent();
  for (const text of texts) assert.ok(main.includes(text), `${what} shows ${text} as text`);
  assert.deepEqual(await page.$$eval(INJECTED, (els) => els.map((e) => e.outerHTML.slice(0, 80))), [], `${what}: no element made from data`);
  assert.equal(await page.evaluate(() => window.__ran), undefined, `${what}: nothing of the data ran`);
}

describe("markup in data", () => {
  let app, url, dir, sessionId;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    dir = tempDir("markup");
    const sessions = join(dir, "sessions.csv");
    writeFileSync(
      sessions,
      "code,title,description,kind,topic,standard,career_families,room,starts_at,ends_at,capacity,presenter\n" +
        csvRow(["MARKUP", TITLE, DESCRIPTION, "workshop", "", "Ethics", "", ROOM, "2027-03-27T15:00:00-05:00", "2027-03-27T16:00:00-05:00", 30, FIRST]) +
        "\n",
    );
    await runCli(app.server.db, ["import", "sessions", sessions]);
    const attendees = join(dir, "attendees.csv");
    writeFileSync(
      attendees,
      "badge_code,first_name,last_name,email,state,local,career_family,role\n" +
        csvRow([BADGE, FIRST, LAST, "", "OH", ROOM, "Paraeducators", "attendee"]) +
        "\n",
    );
    await runCli(app.server.db, ["import", "attendees", attendees]);
  });

  after(async () => {
    await app?.close();
    if (dir) removeDir(dir);
  });

  it("shows imported markup as text on every attendee page", async () => {
    const page = app.page;
    const errors = watchErrors(page);
    await signIn(page, url, { badge: BADGE, code: await signinCode(app.server.db, BADGE) });

    await visit(page, `${url}/`);
    await page.fill("#program-search", "Bus");
    await showsAsText(page, "program", [TITLE, ROOM]);
    const card = page.locator(".session-card", { hasText: "Bus <b>Safety</b>" });
    sessionId = (await card.locator("h3 a").getAttribute("href")).split("/").pop();
    await card.locator("[data-action=register]").click();
    await card.locator("[data-standing=pending], [data-standing=confirmed]").first().waitFor();

    await visit(page, `${url}/sessions/${sessionId}`);
    await showsAsText(page, "session page", [TITLE, ROOM, DESCRIPTION, FIRST]);
    await page.goto(`${url}/agenda`);
    await showsAsText(page, "agenda", [TITLE, ROOM]);
    await page.goto(`${url}/badge`);
    await showsAsText(page, "badge", [`${FIRST} ${LAST}`, ROOM]);
    await page.goto(`${url}/mentoring`);
    await page.waitForSelector("[data-action=new-entry]");
    await logEntry(page, { minutes: 20, name: PARTNER, note: TITLE });
    await showsAsText(page, "mentoring log", [PARTNER, TITLE]);
    await page.goto(`${url}/growth`);
    await showsAsText(page, "growth record", [`${FIRST} ${LAST}`]);
    await page.goto(`${url}/sync`);
    await showsAsText(page, "changes", [FIRST]);
    assert.deepEqual(errors, []);
  });

  it("shows imported markup as text on the kiosk's desks", async () => {
    const kioskDir = tempDir("markup-kiosk");
    const context = await launchProfile(kioskDir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const errors = watchErrors(page);
      await pairKiosk(page, url, await pairingCode(app.server.db, `Door <b>7</b>`));
      await showsAsText(page, "kiosk desk", ["Door <b>7</b>"]);

      // A name typed at the desk lists the person; their badge checks them in.
      await page.fill("#scan", "zoe ohara");
      await showsAsText(page, "name matches", [`${FIRST} ${LAST}`]);
      await page.fill("#scan", BADGE);
      await page.press("#scan", "Enter");
      await page.waitForSelector(".verdict-name");
      await showsAsText(page, "verdict", [`${FIRST} ${LAST}`, ROOM]);

      await page.selectOption("#place", sessionId);
      await page.waitForURL(`${url}/kiosk/sessions/${sessionId}`);
      await showsAsText(page, "session desk", [TITLE, ROOM]);
      assert.ok((await page.locator("#place option:checked").textContent()).includes(TITLE), "the place picker names the session as text");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      removeDir(kioskDir);
    }
  });
});
