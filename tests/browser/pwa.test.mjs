// Browser tests of installability and the cache lifecycle: the manifest
// passes Chromium's installability checks, the service worker precaches
// every offline route and every chunk of the bundle under this build's cache
// name, every page opens offline on a device that only opened the program,
// a lazy page's server copy stays until the app has drawn it, a page
// whose chunk cannot be fetched says so and reloads, so does the sync
// badge when the sync's chunk cannot be, and a new build's worker takes
// over from the old one (its cache replaces the old cache, and the app
// opens offline from it).
// Run: scripts/test (or, after a release build, node --test tests/browser/).
import assert from "node:assert/strict";
import { appendFileSync, cpSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import {
  SITE_ROOT,
  appLive,
  demoCredentials,
  openApp,
  removeDir,
  signIn,
  startServer,
  syncBadgeText,
  tempDir,
  visit,
  waitForProgram,
  waitForServiceWorker,
  watchErrors,
} from "./harness.mjs";

/** Every script, wasm chunk and stylesheet of the build, as URL paths. */
function bundleFiles(dir = join(SITE_ROOT, "pkg")) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => /\.(js|wasm|css)$/.test(f))
    .map((f) => `/${relative(SITE_ROOT, join(dir, f))}`)
    .sort();
}

/** A link of the header's navigation. */
function navLink(page, name) {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
}

/** The text of the page's heading once it has one. */
async function heading(page) {
  const h1 = page.locator("main h1");
  await h1.waitFor({ timeout: 20_000 });
  return (await h1.textContent()).trim();
}

/** Waits until the page's heading reads `title` (a lazy page shows once its chunk is in). */
async function headingBecomes(page, title) {
  await page.waitForFunction((t) => document.querySelector("main h1")?.textContent.trim() === t, title, {
    timeout: 20_000,
  });
}

/** Waits until the page has fetched the chunk of the lazy pages (app::pages::lazy). */
async function pagesChunkLoaded(page) {
  await page.waitForFunction(
    () => performance.getEntriesByType("resource").some((e) => e.name.includes("/split_pages_")),
    null,
    { timeout: 20_000 },
  );
}

/** This server's build id, as /healthz reports it. */
async function buildOf(url) {
  return (await (await fetch(`${url}/healthz`)).json()).build;
}

/** The page's cache names, polled until they are `expected` (or time runs out). */
async function cachesBecome(page, expected, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const names = await page.evaluate(() => caches.keys());
    if (JSON.stringify(names) === JSON.stringify(expected) || Date.now() > deadline) return names;
    await new Promise((wake) => setTimeout(wake, 200));
  }
}

describe("installable app", () => {
  let app, server, page;

  before(async () => {
    app = await openApp();
    ({ server, page } = app);
  });

  after(async () => app?.close());

  it("passes Chromium's installability checks", async () => {
    await page.goto(server.url);
    await waitForProgram(page);
    await waitForServiceWorker(page);
    const cdp = await app.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, []);
    const { errors } = await cdp.send("Page.getAppManifest");
    assert.deepEqual(errors, []);
  });

  it("precaches every offline route and the bundle in one cache named for the build", async () => {
    const health = await (await fetch(`${server.url}/healthz`)).json();
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names[0]);
      return { names, urls: (await cache.keys()).map((r) => new URL(r.url).pathname) };
    });
    assert.deepEqual(cached.names, [`hallpass-${health.build}`]);
    for (const path of ["/", "/sessions/_", "/manifest.webmanifest", "/icons/icon-192.png"]) {
      assert.ok(cached.urls.includes(path), `${path} in ${cached.urls}`);
    }
    assert.ok(cached.urls.some((u) => /^\/pkg\/hallpass\.[^/]+\.wasm$/.test(u)), cached.urls.join(","));
    // The build is split: the first chunk and one per lazy page, all kept.
    const bundle = bundleFiles();
    assert.ok(bundle.filter((f) => f.endsWith(".wasm")).length > 2, `a split build: ${bundle}`);
    assert.deepEqual(cached.urls.filter((u) => u.startsWith("/pkg/")).sort(), bundle);
  });

  it("serves the hashed bundle with a year-long immutable cache", async () => {
    const html = await (await fetch(server.url)).text();
    const wasm = html.match(/\/pkg\/hallpass\.[A-Za-z0-9_-]+\.wasm/)?.[0];
    assert.ok(wasm, "the page names a hashed wasm file");
    // Node's fetch decodes brotli itself; the headers are what a cache sees.
    const brotli = await fetch(`${server.url}${wasm}`, { headers: { "accept-encoding": "br" } });
    assert.equal(brotli.status, 200);
    assert.equal(brotli.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(brotli.headers.get("content-encoding"), "br");
    // The same name in another encoding: a shared cache must key on it.
    assert.match(brotli.headers.get("vary") ?? "", /accept-encoding/i);
    const plain = await fetch(`${server.url}${wasm}`, { headers: { "accept-encoding": "identity" } });
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.match(plain.headers.get("vary") ?? "", /accept-encoding/i);
  });
});

describe("a split bundle", () => {
  let app;

  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it("opens every page offline, by link and by address, on a device that only opened the program", async () => {
    app = await openApp();
    let page = app.page;
    const errors = watchErrors(page);
    await page.goto(app.server.url);
    await waitForProgram(page);
    await waitForServiceWorker(page);
    const card = page.locator(".session-card h3 a").first();
    const sessionPath = new URL(await card.getAttribute("href"), app.server.url).pathname;
    const sessionTitle = (await card.textContent()).trim();
    const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
    const lazy = bundleFiles().filter((f) => f.endsWith(".wasm") && !loaded.includes(f));
    assert.ok(lazy.length > 0, "the program loads without every chunk");

    await app.server.stop();
    await app.context.setOffline(true);
    // By link, in the page that is open: each page's chunk comes from the cache.
    assert.equal(await navLink(page, "Program").getAttribute("aria-current"), "page");
    await navLink(page, "Mentoring").click();
    await headingBecomes(page, "Mentoring log");
    await navLink(page, "My agenda").click();
    await headingBecomes(page, "My agenda");
    // The header marks the page the person is on, and that one alone.
    assert.equal(await navLink(page, "My agenda").getAttribute("aria-current"), "page");
    assert.equal(await navLink(page, "Program").getAttribute("aria-current"), null);
    assert.equal(await navLink(page, "Mentoring").getAttribute("aria-current"), null);
    // By address, each page opened afresh: the server's markup paints
    // first, so the pages' chunk must have come in too.
    const pages = [
      [sessionPath, sessionTitle],
      ["/agenda", "My agenda"],
      ["/badge", "My badge"],
      ["/mentoring", "Mentoring log"],
      ["/growth", "My growth record"],
      ["/signin", "Sign in"],
      ["/sync", "Sync and changes"],
      ["/kiosk", "Set up a check-in kiosk"],
      ["/kiosk/sessions/1", null],
    ];
    for (const [path, title] of pages) {
      page = await app.context.newPage();
      errors.push(...watchErrors(page));
      await page.goto(`${app.server.url}${path}`);
      await pagesChunkLoaded(page);
      if (title) await headingBecomes(page, title);
      assert.doesNotMatch(await heading(page), /could not be opened|not found/i, path);
      await page.close();
    }
    assert.deepEqual(errors, []);
  });

  it("keeps the server's copy of a lazy page on screen until the app has drawn the page", async () => {
    app = await openApp();
    const { page } = app;
    const errors = watchErrors(page);
    // The pages' chunk is held: the app is built, asks for it, and waits.
    let letGo;
    const held = new Promise((resolve) => (letGo = resolve));
    let asked;
    const requested = new Promise((resolve) => (asked = resolve));
    await page.route(/\/split_pages_[^/]*\.wasm$/, async (route) => {
      asked();
      await held;
      await route.continue();
    });
    await page.goto(`${app.server.url}/sessions/1`, { waitUntil: "domcontentloaded" });
    const title = await heading(page);
    await requested;
    // Past the task that asked for the chunk, and a frame.
    await page.evaluate(() => new Promise((resolve) => setTimeout(() => requestAnimationFrame(resolve), 200)));
    assert.notEqual(await page.evaluate(() => document.body.dataset.app), "live", "the app is not shown without its page");
    assert.equal(await heading(page), title, "the server's session stays on screen meanwhile");
    letGo();
    await page.unrouteAll({ behavior: "wait" });
    await appLive(page);
    assert.equal(await heading(page), title, "the app shows the same session");
    assert.deepEqual(errors, []);
  });

  it("says to reload when the sync's chunk cannot be fetched online, and syncs after the reload", async () => {
    app = await openApp();
    const { page, context } = app;
    // A tab whose build was replaced: the sync's chunk is gone from the
    // server (for the service worker's requests too: routed on the context).
    const refuse = (route) => route.fulfill({ status: 404 });
    await context.route(/\/split_sync_loop_[^/]*\.wasm$/, refuse);
    await visit(page, app.server.url);
    const badge = page.getByRole("button", { name: /Reload Hallpass to sync/ });
    await badge.waitFor({ timeout: 20_000 });
    assert.doesNotMatch(await syncBadgeText(page), /Offline/, "the browser is online: not offline");
    assert.equal(await badge.getAttribute("title"), "Reload Hallpass");
    await context.unroute(/\/split_sync_loop_[^/]*\.wasm$/, refuse);
    // The tap reloads the page (the build installed now), which syncs.
    await Promise.all([page.waitForEvent("load"), badge.click()]);
    await page.waitForFunction(() => /Last synced/.test(document.querySelector(".sync-badge")?.textContent ?? ""), null, {
      timeout: 20_000,
    });
  });

  it("says when a page's chunk cannot be fetched, and opens it on Reload", async () => {
    app = await openApp();
    const { page, context } = app;
    await page.goto(app.server.url);
    await waitForProgram(page);
    await waitForServiceWorker(page);
    // A tab left open across a new build: what it has loaded works, and
    // the other chunks of its build are gone from the cache and the server.
    const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
    const gone = bundleFiles().filter((f) => !loaded.includes(f));
    await page.evaluate(async (paths) => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const path of paths) await cache.delete(path);
      }
    }, gone);
    const refuse = (route) => (gone.includes(new URL(route.request().url()).pathname) ? route.fulfill({ status: 404 }) : route.continue());
    await context.route("**/pkg/**", refuse);

    await navLink(page, "Mentoring").click();
    await headingBecomes(page, "This page could not be opened");
    assert.match(await page.getByRole("alert").filter({ hasText: "updated" }).textContent(), /Hallpass was updated/);
    // The header still works: the program opens again.
    await navLink(page, "Program").click();
    await waitForProgram(page);

    await navLink(page, "Mentoring").click();
    await page.getByRole("button", { name: "Reload Hallpass" }).waitFor();
    await context.unroute("**/pkg/**", refuse);
    await page.getByRole("button", { name: "Reload Hallpass" }).click();
    await pagesChunkLoaded(page);
    await headingBecomes(page, "Mentoring log");
  });
});

describe("accessibility", () => {
  let app, server, page;

  before(async () => {
    app = await openApp();
    ({ server, page } = app);
  });

  after(async () => app?.close());

  for (const [name, width, height] of [
    ["a 360 px phone", 360, 740],
    ["a 1080p kiosk", 1920, 1080],
  ]) {
    it(`the program and a session page pass axe (WCAG 2.2 AA) on ${name}`, async () => {
      await page.setViewportSize({ width, height });
      await page.goto(server.url);
      await waitForProgram(page);
      const program = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      assert.deepEqual(summary(program.violations), []);
      const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert.ok(noHorizontalScroll, "no sideways scrolling");

      await page.click(".session-card h3 a >> nth=0");
      await page.waitForSelector(".facts");
      const session = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
      assert.deepEqual(summary(session.violations), []);
    });
  }

  it("sign-in, the program with registrations, my agenda, my badge and the changes page pass axe at 360 px and 1080p", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/signin`);
    await page.waitForSelector("#signin-code");
    assert.deepEqual(summary((await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()).violations), []);
    await signIn(page, server.url, demoCredentials(server)[0]);
    await page.goto(server.url);
    await waitForProgram(page);
    await page.click(".session-card [data-action=register] >> nth=0");
    // The tap's own state is enough for axe: a registration shows on every page.
    await page.waitForSelector(".session-card :is([data-standing=pending], [data-standing=confirmed])");
    for (const [width, height] of [[360, 740], [1920, 1080]]) {
      await page.setViewportSize({ width, height });
      const ready = { "/": ".session-card", "/agenda": ".agenda-item", "/sync": ".sync-summary", "/badge": "svg.badge-qr" };
      for (const [path, selector] of Object.entries(ready)) {
        await visit(page, `${server.url}${path}`);
        await page.waitForSelector(selector);
        const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
        assert.deepEqual(summary(result.violations), [], `${path} at ${width}px`);
        const noHorizontalScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
        assert.ok(noHorizontalScroll, `no sideways scrolling on ${path} at ${width}px`);
        // The header (brand, links, sync state) leaves the first screen to
        // the page: on a phone it once took 325 of 740 px.
        const top = await page.evaluate(() => document.querySelector("main").getBoundingClientRect().top);
        assert.ok(top <= height / 4, `the page starts ${top}px down on ${path} at ${width}px`);
      }
    }
  });
});

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

function summary(violations) {
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

describe("a new build", () => {
  let app, siteDir;

  after(async () => {
    await app?.close();
    if (siteDir) removeDir(siteDir);
  });

  it("takes over from the old one: its worker precaches it, the old cache goes, and the app opens offline", async () => {
    // A copy of the front end, so that a file can change as in a new build.
    siteDir = tempDir("site");
    cpSync(SITE_ROOT, siteDir, { recursive: true });
    app = await openApp({ siteRoot: siteDir });
    let page = app.page;
    await page.goto(app.server.url);
    await waitForProgram(page);
    await waitForServiceWorker(page);
    const oldBuild = await buildOf(app.server.url);
    assert.deepEqual(await cachesBecome(page, [`hallpass-${oldBuild}`]), [`hallpass-${oldBuild}`]);

    // The new build: the manifest changed (its compressed copies go, so
    // the changed bytes are what is served), on the same address.
    const manifest = join(siteDir, "manifest.webmanifest");
    appendFileSync(manifest, "\n");
    for (const ext of [".br", ".gz"]) rmSync(`${manifest}${ext}`, { force: true });
    const { db, addr } = app.server;
    await app.server.stop();
    app.server = await startServer({ db, addr, siteRoot: siteDir });
    const newBuild = await buildOf(app.server.url);
    assert.notEqual(newBuild, oldBuild, "a changed file is a new build");

    // A visit online finds the new worker; it installs, takes over and
    // deletes the old cache.
    await page.reload();
    await waitForProgram(page);
    assert.deepEqual(await cachesBecome(page, [`hallpass-${newBuild}`]), [`hallpass-${newBuild}`]);
    const cachedManifest = await page.evaluate(async (name) => {
      const response = await (await caches.open(name)).match("/manifest.webmanifest");
      return response ? response.text() : null;
    }, `hallpass-${newBuild}`);
    assert.equal(cachedManifest, readFileSync(manifest, "utf8"), "the new cache holds the new build's files");

    // With the server gone and the network cut, the app opens from the new cache.
    await app.server.stop();
    await app.context.setOffline(true);
    page = await app.context.newPage();
    await page.goto(app.server.url);
    await waitForProgram(page);
    await page.click(".session-card h3 a >> nth=0");
    await page.waitForSelector(".facts");
  });
});
