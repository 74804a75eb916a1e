// Browser drills of a server restored from an older copy (issue 12): the
// phone keeps every change the server acknowledged, so nothing it made is
// lost when the server forgets it.
// (a) a phone signed in before the backup registers and logs mentoring
//     online (acknowledged); the server is restored from the backup; the
//     phone syncs: the server holds both exactly once and the phone shows
//     them as the server's again;
// (b) a phone signed in only after the backup: the restored server does not
//     know its token, so it asks to sign in again (pulling the public
//     program meanwhile), and then sends its log.
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  apiSignIn,
  demoCredentials,
  drained,
  latest,
  launchProfile,
  logEntry,
  openApp,
  pullAll,
  removeDir,
  runCli,
  signIn,
  startServer,
  tempDir,
  until,
  visit,
  waitForProgram,
  watchErrors,
} from "./harness.mjs";

/** Registers for the first session with a Register button; returns its title. */
async function registerForFirst(page, url) {
  await page.goto(url);
  await waitForProgram(page);
  const target = page.locator(".session-card").filter({ has: page.locator("[data-action=register]") }).first();
  const title = (await target.locator("h3 a").textContent()).trim();
  await target.locator("[data-action=register]").click();
  await page.waitForSelector(".session-card [data-standing=confirmed]", { timeout: 20_000 });
  return title;
}

/** What the server holds for `person`: [registrations, mentoring entries]. */
async function held(url, person) {
  const changes = await pullAll(url, await apiSignIn(url, person));
  return [[...latest(changes, "registration").values()], [...latest(changes, "mentoring_entry").values()]];
}

describe("restore from an older copy", () => {
  let app, url, people, backups;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    people = demoCredentials(app.server);
    assert.ok(people.length >= 3, "the demo printed sample sign-ins");
    backups = tempDir("backups");
  });

  after(async () => {
    await app?.close();
    if (backups) removeDir(backups);
  });

  /** Stops the server, restores `file` with the CLI and starts it again at the same address. */
  async function restore(file) {
    const addr = app.server.addr;
    await app.server.stop();
    const said = await runCli(app.server.db, ["restore", file]);
    assert.match(said, /New epoch/);
    app.server = await startServer({ db: app.server.db, addr });
  }

  it("(a) the phone sends again what the restored server lost, and it is applied once", async () => {
    const page = app.page;
    const errors = watchErrors(page);
    const [me, partner] = people;
    await signIn(page, url, me);
    const before = join(backups, "before.sqlite");
    await runCli(app.server.db, ["backup", before]);

    const title = await registerForFirst(page, url);
    await page.goto(`${url}/mentoring`);
    await page.waitForSelector("[data-action=new-entry]");
    await logEntry(page, { minutes: 35, badge: partner.badge, note: "kept on the phone" });
    await drained(page);
    const [registered, logged] = await held(url, me);
    assert.equal(registered.length, 1);
    assert.equal(logged.length, 1);
    // The phone makes time-ordered ids (UUID v7: the time in milliseconds
    // first), which the server's indexes append to (docs/PROTOCOL.md).
    for (const id of [registered[0].id, logged[0].id]) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, id);
      const made = parseInt(id.replace(/-/g, "").slice(0, 12), 16);
      assert.ok(Math.abs(made - Date.now()) < 10 * 60_000, `${id} carries the time it was made`);
    }

    await restore(before);
    const [lostRegistrations, lostEntries] = await held(url, me);
    assert.deepEqual([lostRegistrations.length, lostEntries.length], [0, 0], "the copy predates both");

    await visit(page, `${url}/agenda`);
    await page.click(".sync-badge");
    await page.waitForSelector(".agenda-item[data-standing=confirmed]", { timeout: 20_000 });
    assert.equal(await page.locator(".agenda-item .session-title").textContent(), title);
    // The agenda shows the phone's own copy at once; the server has it back
    // only once the pull has found the gap and the push has resent.
    const [registrations, entries] = await until(async () => {
      const now = await held(url, me);
      return now[0].length > 0 && now[1].length > 0 && now;
    }, "the restored server holds the registration and the entry again");
    await drained(page);
    assert.deepEqual(
      registrations.map((r) => [r.id, r.status]),
      [[registered[0].id, "confirmed"]],
      "the same registration, once",
    );
    assert.deepEqual(
      entries.map((e) => [e.id, e.minutes, e.note]),
      [[logged[0].id, 35, "kept on the phone"]],
      "the same entry, once, its private note with it",
    );

    await page.goto(`${url}/mentoring`);
    await page.waitForSelector(`.entry[data-id="${logged[0].id}"]`);
    assert.equal(await page.locator(".entry").count(), 1);
    assert.notEqual(await page.locator(".entry").getAttribute("data-state"), "pending");

    // Syncing again sends nothing new and changes nothing.
    await page.click(".sync-badge");
    await drained(page);
    const [again, entriesAgain] = await held(url, me);
    assert.deepEqual([again.length, entriesAgain.length], [1, 1]);
    assert.deepEqual(errors, []);
  });

  it("(b) a phone the copy never knew signs in again and sends its log", async () => {
    const profile = tempDir("phone-b");
    const context = await launchProfile(profile);
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = watchErrors(page);
    const me = people[2];
    const before = join(backups, "before-sign-in.sqlite");
    await runCli(app.server.db, ["backup", before]);
    await signIn(page, url, me);
    const title = await registerForFirst(page, url);
    await drained(page);

    await restore(before);
    await visit(page, `${url}/agenda`);
    await page.click(".sync-badge");
    await page.waitForFunction(() => /Sign in again/.test(document.querySelector(".sync-badge")?.textContent ?? ""), null, {
      timeout: 20_000,
    });
    // Signed out, the phone still pulls the public program, now from the
    // restored server: that does not make it the server that holds the
    // phone's log, so the log is still sent after signing in again.
    const publicPull = page.waitForResponse(
      (r) => r.url().includes("/api/v1/sync/pull") && !r.request().headers().authorization,
    );
    await page.click(".sync-badge");
    await publicPull;
    await page.waitForFunction(() => {
      const badge = document.querySelector(".sync-badge");
      return badge?.dataset.state !== "busy" && /Sign in again/.test(badge?.textContent ?? "");
    });
    // The copy holds the same sign-in codes: the person's link still works.
    await signIn(page, url, me);
    await page.waitForSelector(".agenda-item[data-standing=confirmed]", { timeout: 20_000 });
    assert.equal(await page.locator(".agenda-item .session-title").textContent(), title);
    const [registrations] = await until(async () => {
      const now = await held(url, me);
      return now[0].length > 0 && now;
    }, "the restored server holds the registration");
    await drained(page);
    assert.equal(registrations.length, 1, "the registration reached the restored server once");
    assert.equal(registrations[0].status, "confirmed");
    // The browser logs the refused token's 401 itself; that one is expected.
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
    await context.close();
    removeDir(profile);
  });
});
