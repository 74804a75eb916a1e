// Browser tests of the program pages online and offline (issue 2):
// (a) online: the program shows and filters; (b) network cut and server
// stopped: reload still shows and filters it; (c) offline: a session page
// never visited online opens; (d) browser restarted offline: still there.
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { holdBundle, openApp, syncBadgeText, visit, waitForProgram, waitForServiceWorker, watchErrors } from "./harness.mjs";

describe("program pages", () => {
  let app, page, errors, url, visited;

  before(async () => {
    app = await openApp();
    url = app.server.url;
    page = app.page;
    errors = watchErrors(page);
  });

  after(async () => app?.close());

  it("(a) shows the whole program online, grouped by day, and filters it", async () => {
    await page.goto(url);
    await waitForProgram(page);
    await waitForServiceWorker(page);

    const days = await page.locator(".day-heading").allTextContents();
    assert.deepEqual(days, ["Thursday, March 25", "Friday, March 26", "Saturday, March 27", "Sunday, March 28"]);
    const total = await page.locator(".session-card").count();
    assert.ok(total >= 60, `${total} sessions`);
    assert.match(await syncBadgeText(page), /Saved on this device · Last synced \d+:\d\d [AP]M/);

    await page.click(".more-filters summary");
    await page.selectOption("#filter-standard", "Technology");
    assert.equal(await page.locator(".more-filters summary").textContent(), "More filters (1 on)");
    const standards = await page.locator(".session-card .tag.standard").allTextContents();
    assert.ok(standards.length >= 3);
    assert.ok(standards.every((s) => s === "Technology"), standards.join(","));

    await page.click("text=Clear filters");
    await page.fill("#program-search", "CRISIS action");
    await page.waitForFunction(() => document.querySelectorAll(".session-card").length === 1);
    const titles = await page.locator(".session-card h3").allTextContents();
    assert.deepEqual(titles, ["Beat Privatization: A Step-by-Step Crisis Action Plan"]);
    assert.equal(await page.locator(".result-count").textContent(), "1 session");

    await page.click("text=Beat Privatization: A Step-by-Step Crisis Action Plan");
    await page.waitForSelector("h1:has-text('Beat Privatization')");
    visited = new URL(page.url()).pathname;
    assert.match(await page.locator(".facts").textContent(), /Room \d+/);
    await page.goBack();
    // Back on the program, the filter is still what it was, and so are the
    // controls; clearing it resets every one of them.
    await page.waitForFunction(() => document.querySelectorAll(".session-card").length === 1);
    assert.equal(await page.inputValue("#program-search"), "CRISIS action");
    await page.click(".more-filters summary");
    await page.selectOption("#filter-family", "Paraeducators");
    assert.equal(await page.locator(".more-filters summary").textContent(), "More filters (1 on)");
    await page.click("text=Clear filters");
    assert.equal(await page.inputValue("#program-search"), "");
    assert.equal(await page.inputValue("#filter-family"), "");
    assert.equal(await page.locator(".more-filters summary").textContent(), "More filters");
    assert.ok(await page.locator(".clear-filters").isDisabled(), "nothing left to clear");
    assert.ok((await page.locator(".session-card").count()) >= 60);
    assert.deepEqual(errors, []);
  });

  it("(b) with the network cut and the server stopped, a reload still shows and filters the program", async () => {
    await app.server.stop();
    await app.context.setOffline(true);
    await page.reload();
    await waitForProgram(page);

    await page.click(".chip:has-text('Sat Mar 27')");
    const days = await page.locator(".day-heading").allTextContents();
    assert.deepEqual(days, ["Saturday, March 27"]);
    const pressed = await page.$$eval(".chip", (chips) => chips.map((c) => `${c.textContent}:${c.getAttribute("aria-pressed")}`));
    assert.deepEqual(pressed, ["All days:false", "Thu Mar 25:false", "Fri Mar 26:false", "Sat Mar 27:true", "Sun Mar 28:false"]);
    await page.click(".more-filters summary");
    await page.selectOption("#filter-kind", "mentoring-circle");
    const kinds = await page.locator(".session-card .tag.kind").allTextContents();
    assert.ok(kinds.length >= 1 && kinds.every((k) => k === "Mentoring circle"), kinds.join(","));
    await page.click("text=Clear filters");
    assert.deepEqual(errors, []);
  });

  it("(c) offline, opens a session page that was never visited online", async () => {
    const hrefs = await page.locator(".session-card h3 a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    const unvisited = hrefs.filter((h) => h !== visited);
    const target = unvisited[0];
    const title = await page.locator(`.session-card h3 a[href='${target}']`).first().textContent();
    // A full navigation, not a client-side one: the service worker answers it.
    await visit(page, `${url}${target}`);
    await page.waitForSelector(`h1:has-text(${JSON.stringify(title)})`);
    assert.equal(await page.locator("h1").textContent(), title);
    // And a second unvisited one, to prove the cached markup is not tied to an id.
    const other = unvisited.at(-1);
    await visit(page, `${url}${other}`);
    await page.waitForSelector(".facts");
    assert.notEqual(await page.locator("h1").textContent(), title);
    assert.deepEqual(errors, []);
  });

  it("(d) after a browser restart with no network, the program is still there", async () => {
    page = await app.restartBrowser();
    await app.context.setOffline(true);
    errors = watchErrors(page);
    await page.goto(url);
    await waitForProgram(page);
    await page.waitForFunction(() => /Offline · Last synced/.test(document.querySelector(".sync-badge")?.textContent ?? ""));
    assert.match(await syncBadgeText(page), /Offline · Last synced/);
    assert.deepEqual(errors, []);
  });
});

// The app draws the program over the copy the server painted: in slices
// from the top when nobody has touched the page, whole at once when the
// reader has already scrolled it, so that they keep their place; what the
// reader typed or chose there is carried over.
describe("the program as the app starts on the server's page", () => {
  let app;

  // A browser of its own for each: a service worker installed by one test
  // would serve the next one's bundle from its cache, where holdBundle's
  // route never sees the request, and the app would start too early.
  beforeEach(async () => {
    app = await openApp();
  });

  afterEach(async () => app?.close());

  it("(e) a reader who scrolled the server's page before the app started keeps their place", async () => {
    const page = app.page;
    const errors = watchErrors(page);
    // The app's code waits until the page has been scrolled.
    const release = await holdBundle(page);
    await page.goto(app.server.url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".session-card");
    assert.notEqual(await page.evaluate(() => document.body.dataset.app), "live");
    const cards = await page.locator(".session-card").count();
    assert.ok(cards >= 60, `the server painted ${cards} sessions`);
    // The card at the top of the screen, and where it is. (Not the scroll
    // offset: cards off screen have an estimated height, in the server's
    // copy and in the app's, so the same place has other offsets.)
    const atTop = () =>
      page.evaluate(() => {
        const card = [...document.querySelectorAll(".session-card")].find((c) => c.getBoundingClientRect().bottom > 0);
        return { code: card?.dataset.code ?? null, top: card?.getBoundingClientRect().top ?? 0 };
      });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    assert.ok((await page.evaluate(() => scrollY)) > 1000);
    const before = await atTop();
    assert.ok(before.code, JSON.stringify(before));

    await release();
    // One frame after the app took over: everything is drawn, and the same
    // session is where the reader left it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    assert.equal(await page.locator(".session-card").count(), cards);
    const after = await atTop();
    assert.equal(after.code, before.code);
    // Within a pixel or two: layout rounds differently in the two copies.
    assert.ok(Math.abs(after.top - before.top) <= 2, `${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    assert.deepEqual(errors, []);
  });

  it("(f) what a reader typed and chose on the server's page before the app started is kept, with the focus", async () => {
    const page = app.page;
    const errors = watchErrors(page);
    const release = await holdBundle(page);
    await page.goto(app.server.url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".session-card");
    assert.notEqual(await page.evaluate(() => document.body.dataset.app), "live");
    const total = await page.locator(".session-card").count();
    // A Technology session's title, typed into the server's search box,
    // and Technology chosen among the server's filters.
    const title = (
      await page
        .locator(".session-card")
        .filter({ has: page.locator(".tag.standard", { hasText: "Technology" }) })
        .first()
        .locator("h3")
        .textContent()
    ).trim();
    await page.click(".more-filters summary");
    await page.selectOption("#filter-standard", "Technology");
    await page.click("#program-search");
    await page.keyboard.type(title);
    assert.notEqual(await page.evaluate(() => document.body.dataset.app), "live", "all of it before the app");

    await release();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    const search = page.getByRole("searchbox", { name: "Search" });
    assert.equal(await search.inputValue(), title, "the text is in the app's search box");
    assert.equal(await page.locator("#filter-standard").inputValue(), "Technology");
    assert.equal(await page.locator(".more-filters summary").textContent(), "More filters (1 on)");
    assert.deepEqual(
      await page.evaluate(() => [document.activeElement?.id, document.activeElement?.selectionStart]),
      ["program-search", title.length],
      "the caret is where the reader left it",
    );
    // And the program is filtered by both.
    const titles = await page.locator(".session-card h3").allTextContents();
    assert.ok(titles.length >= 1 && titles.length < total, `${titles.length} of ${total}`);
    assert.ok(titles.some((t) => t.trim() === title), titles.join(" | "));
    const standards = await page.locator(".session-card .tag.standard").allTextContents();
    assert.ok(standards.every((s) => s === "Technology"), standards.join(","));
    // Typing goes on in the app's box.
    await page.keyboard.press("Backspace");
    assert.equal(await search.inputValue(), title.slice(0, -1));
    assert.deepEqual(errors, []);
  });
});
