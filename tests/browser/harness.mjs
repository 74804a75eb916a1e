// Test harness for the browser tests: the real `hallpass` binary on a
// loopback port with a temporary SQLite file, and Debian's Chromium driven
// by playwright-core. Nothing here reaches beyond 127.0.0.1.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = process.env.HALLPASS_BIN ?? join(ROOT, "target/release/hallpass");
export const SITE_ROOT = process.env.LEPTOS_SITE_ROOT ?? join(ROOT, "target/site");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `hallpass-${prefix}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `hallpass serve --demo` on `addr` (port 0 picks a free one) and
 * resolves once it listens. The same `db` and `addr` can start it again.
 * `siteRoot` is the built front end it serves (a copy, to fake a new build).
 */
export async function startServer({ db, addr = "127.0.0.1:0", siteRoot = SITE_ROOT }) {
  const proc = spawn(BIN, ["serve", "--demo", "--db", db, "--addr", addr], {
    env: { ...process.env, LEPTOS_SITE_ROOT: siteRoot, RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    proc.stdout.on("data", (chunk) => {
      output += chunk;
      const match = output.match(/listening on (http:\/\/[0-9.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    proc.stderr.on("data", (chunk) => (output += chunk));
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    db,
    siteRoot,
    addr: url.replace("http://", ""),
    output: () => output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.on("exit", r));
      proc.kill("SIGTERM");
      // A graceful shutdown waits for open connections; a browser may keep
      // one open from a page it froze. A test's teardown does not wait long.
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A Chromium profile that survives `close()`: relaunch it on the same dir.
 * `extraArgs` are added to the usual flags (a fake camera, say).
 */
export async function launchProfile(profileDir, extraArgs = []) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 390, height: 844 },
  });
}

/**
 * Collects uncaught errors and console errors (a hydration panic shows
 * here). A request failing because the network is cut is expected offline
 * and not collected.
 */
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    const offline = /Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|CONNECTION_REFUSED)/.test(m.text());
    if (m.type() === "error" && !offline) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Resolves once this origin's service worker is activated: its install has
 * cached every offline route and the bundle, so from now on navigations work
 * offline. This page itself may stay uncontrolled: a navigation that began
 * before the worker activated misses its `clients.claim()`, and waiting for
 * `controller` then never ends (it once hung a whole CI run). Bounded, and a
 * failure says what state the registration is in.
 */
export async function waitForServiceWorker(page, timeout = 30_000) {
  const state = await page.evaluate(async (ms) => {
    const describe = (r) => (r ? ["installing", "waiting", "active"].map((k) => `${k}: ${r[k]?.state ?? "-"}`).join(", ") : "none");
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await navigator.serviceWorker.getRegistration();
      if (r?.active?.state === "activated") return "activated";
      if (Date.now() > deadline) return describe(r);
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }, timeout);
  if (state !== "activated") throw new Error(`no service worker activated for ${page.url()} after ${timeout} ms (registration ${state})`);
}

/**
 * Waits until the app has mounted over the server's markup
 * (`<body data-app=live>`). The program and session pages are rendered by
 * the server with the program in them: until the app is live, what shows is
 * an inert copy that does nothing when used and is replaced whole.
 */
export async function appLive(page) {
  await page.waitForFunction(() => document.body?.dataset.app === "live", null, { timeout: 20_000 });
}

/**
 * Holds the app's wasm back, so that what is on screen stays the server's
 * page. Returns `release`, which lets it load and resolves once the app is
 * live.
 *
 * Only a request that reaches the network can be held: a service worker
 * that already cached the bundle answers the page itself, unseen by
 * `page.route`. Use it in a browser profile no service worker has been
 * installed in; `release` fails loudly if the wasm came from a service
 * worker or was never requested, rather than letting a test go on with an
 * app that started early.
 */
export async function holdBundle(page) {
  let letGo;
  const held = new Promise((resolve) => (letGo = resolve));
  let seen;
  const requested = new Promise((resolve) => (seen = resolve));
  await page.route(/\.wasm$/, async (route) => {
    seen("network");
    await held;
    await route.continue();
  });
  const fromWorker = (response) => {
    if (/\.wasm$/.test(response.url()) && response.fromServiceWorker()) seen("service worker");
  };
  page.on("response", fromWorker);
  return async () => {
    let timer;
    const waited = new Promise((resolve) => (timer = setTimeout(() => resolve(null), 20_000)));
    const source = await Promise.race([requested, waited]);
    clearTimeout(timer);
    page.off("response", fromWorker);
    letGo();
    // Waits for the held requests to go on first: once a route is removed
    // under a handler that still waits, the handler's own `continue` fails
    // ("Route is already handled!"). The page's only routes are these.
    await page.unrouteAll({ behavior: "wait" });
    if (source !== "network") {
      throw new Error(
        source === null
          ? "holdBundle: the page never requested the app's wasm"
          : "holdBundle: a service worker served the app's wasm from its cache, so it was not held; use a fresh browser profile",
      );
    }
    await appLive(page);
  };
}

/** Opens `url` and waits for the app to be live on it ([`appLive`]). */
export async function visit(page, url) {
  await page.goto(url);
  await appLive(page);
}

/**
 * How many sessions the device holds in its own store (IndexedDB) from a
 * pull: none until it has pulled (it keeps the program the server rendered
 * into the page until then).
 */
async function pulledSessions(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open("hallpass");
        open.onerror = () => resolve(0);
        open.onsuccess = () => {
          const db = open.result;
          try {
            const tx = db.transaction(["sessions", "meta"]);
            const count = tx.objectStore("sessions").count();
            const sync = tx.objectStore("meta").get("sync");
            tx.oncomplete = () => resolve(sync.result && JSON.parse(sync.result).cursor ? count.result : 0);
            tx.onerror = () => resolve(0);
          } catch {
            resolve(0);
          } finally {
            // An open connection would block the app's own upgrades.
            db.close();
          }
        };
      }),
  );
}

/**
 * Waits until the app is live and shows at least `min` sessions that the
 * device has pulled itself: the page may show the program the server
 * rendered into it before the device has pulled one.
 */
export async function waitForProgram(page, min = 60) {
  await appLive(page);
  await page.waitForFunction((n) => document.querySelectorAll(".session-card").length >= n, min, { timeout: 20_000 });
  const deadline = Date.now() + 20_000;
  while ((await pulledSessions(page)) < min) {
    if (Date.now() > deadline) throw new Error(`the device has pulled fewer than ${min} sessions 20 s after its program showed`);
    await page.waitForTimeout(100);
  }
}

/**
 * Pairs the kiosk open in `page` with `code` and waits for its roster, which
 * arrives with the first sync. A pairing that does not get there says what
 * the page showed instead.
 */
export async function pairKiosk(page, url, code) {
  await page.goto(`${url}/kiosk`);
  await page.fill("#pairing-code", code);
  await page.click(".pair-form button[type=submit]");
  try {
    await page.waitForFunction(() => Number(document.querySelector(".desk-header")?.dataset.roster) > 0, null, {
      timeout: 20_000,
    });
  } catch (e) {
    const shown = await page.evaluate(() => ({
      main: document.querySelector("main")?.innerText.slice(0, 400),
      sync: document.querySelector(".sync-badge")?.innerText,
      notice: document.querySelector(".notice")?.innerText,
    }));
    throw new Error(`no roster 20 s after pairing: ${JSON.stringify(shown)}`, { cause: e });
  }
}

export async function syncBadgeText(page) {
  return (await page.locator(".sync-badge .sync-text").textContent()) ?? "";
}

/**
 * A demo server with its own database and a browser profile of its own,
 * torn down by `close()`. `restartBrowser()` closes and relaunches the
 * browser on the same profile (IndexedDB and caches survive).
 */
export async function openApp({ siteRoot } = {}) {
  const dataDir = tempDir("data");
  const profileDir = tempDir("profile");
  const app = {
    server: await startServer({ db: join(dataDir, "hallpass.sqlite"), siteRoot }),
    context: null,
    page: null,
    async restartBrowser() {
      await app.context?.close();
      app.context = await launchProfile(profileDir);
      app.page = app.context.pages()[0] ?? (await app.context.newPage());
      return app.page;
    },
    async close() {
      await app.context?.close();
      await app.server.stop();
      removeDir(dataDir);
      removeDir(profileDir);
    },
  };
  await app.restartBrowser();
  return app;
}

/**
 * The sample sign-ins the demo server printed: [{ name, badge, link, code }]
 * (`link` is the sign-in link, `code` its sign-in code).
 */
export function demoCredentials(server) {
  return [...server.output().matchAll(/^ {2}(.+?) \(badge (\S+)\): (\S+\/signin#code=(\S+))$/gm)].map((m) => ({
    name: m[1],
    badge: m[2],
    link: m[3],
    code: m[4],
  }));
}

/** The demo's organizer account: its email, and the password the demo server printed. */
export const DEMO_ORGANIZER = "organizer@demo.hallpass.example";

export function demoPassword(server) {
  const password = server.output().match(/with password ([0-9a-f]{24})/)?.[1];
  if (!password) throw new Error("the demo did not print its organizer's password");
  return password;
}

/** Headers that authenticate as the demo's organizer over the API. */
export async function organizerHeaders(server) {
  const response = await fetch(`${server.url}/api/v1/auth/organizer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: DEMO_ORGANIZER, password: demoPassword(server) }),
  });
  if (response.status !== 201) throw new Error(`organizer sign-in failed: ${response.status} ${await response.text()}`);
  return { authorization: `Bearer ${(await response.json()).token}` };
}

/** The sign-in code of the attendee with `badge`, as `hallpass attendee link` prints it. */
export async function signinCode(db, badge) {
  const output = await runCli(db, ["attendee", "link", badge]);
  const code = output.match(/code: (\S+)/)?.[1];
  if (!code) throw new Error(`no sign-in code in: ${output}`);
  return code;
}

/** Runs `hallpass --db DB ARGS…` to completion; rejects on failure. */
export async function runCli(db, args) {
  const proc = spawn(BIN, ["--db", db, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout.on("data", (c) => (output += c));
  proc.stderr.on("data", (c) => (output += c));
  const code = await new Promise((r) => proc.on("exit", r));
  if (code !== 0) throw new Error(`hallpass ${args.join(" ")} failed (${code}):\n${output}`);
  return output;
}

/**
 * Signs in by opening the person's sign-in link, as a phone does when its
 * camera reads the card's QR code, and waits for the agenda.
 */
export async function signIn(page, url, { badge, code }) {
  await page.goto(`${url}/signin#code=${code}`);
  try {
    await page.waitForURL(`${url}/agenda`, { timeout: 15_000 });
  } catch (e) {
    const shown = await page.locator(".form-error").textContent().catch(() => "");
    throw new Error(`sign-in as ${badge} did not reach the agenda (page says: ${shown}; at ${page.url()})`, { cause: e });
  }
}

/** Signs in over the API as a new device and returns its token. */
export async function apiSignIn(url, person) {
  return (await apiDevice(url, "attendee", { signin_code: person.code })).token;
}

/**
 * Signs in (`kind` "attendee") or pairs a kiosk ("kiosk") over the API as a
 * new device: `{ token, device_id, push(mutations) }`.
 */
export async function apiDevice(url, kind, body) {
  const response = await fetch(`${url}/api/v1/auth/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`${kind} sign-in failed: ${response.status} ${await response.text()}`);
  const device = await response.json();
  let seq = 0;
  device.push = async (mutations) => {
    const numbered = mutations.map((m) => ({ seq: ++seq, at: new Date().toISOString(), ...m }));
    const pushed = await fetch(`${url}/api/v1/sync/push`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${device.token}` },
      body: JSON.stringify({ protocol: 1, device_id: device.device_id, mutations: numbered }),
    });
    if (!pushed.ok) throw new Error(`push failed: ${pushed.status} ${await pushed.text()}`);
    return (await pushed.json()).results;
  };
  return device;
}

/** Makes a pairing code with the CLI, as an organizer would. */
export async function pairingCode(db, name) {
  const output = await runCli(db, ["kiosk", "pair", name]);
  const code = output.match(/: ([A-Z0-9]{4}-[A-Z0-9]{4})/)?.[1];
  if (!code) throw new Error(`no pairing code in: ${output}`);
  return code;
}

/** Every change in `token`'s scope (public without one), all pages. */
export async function pullAll(url, token) {
  const changes = [];
  let cursor = "";
  for (;;) {
    const response = await fetch(`${url}/api/v1/sync/pull?cursor=${encodeURIComponent(cursor)}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) throw new Error(`pull failed: ${response.status}`);
    const page = await response.json();
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.more) return changes;
  }
}

/** Waits until nothing waits in the outbox (the Changes link has no count). */
export async function drained(page) {
  await page.waitForFunction(() => !document.querySelector('nav a[href="/sync"] .count'), null, { timeout: 30_000 });
}

/**
 * Polls `probe` until it returns something truthy, and returns that. For
 * outcomes a page cannot announce: after a restore, the outbox is empty
 * until the pull finds what the server lost, so `drained` alone can pass
 * before anything was sent again.
 */
export async function until(probe, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeout} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Fills and saves the mentoring log's new-entry form. */
export async function logEntry(page, { minutes, badge, name, role = "mentor", activity = "conversation", standards = [], note = "" }) {
  await page.click("[data-action=new-entry]");
  await page.waitForSelector(".entry-form #m-minutes");
  await page.fill("#m-minutes", String(minutes));
  if (badge) await page.fill("#m-badge", badge);
  if (name) await page.fill("#m-name", name);
  await page.selectOption("#m-role", role);
  await page.selectOption("#m-activity", activity);
  for (const s of standards) await page.check(`.entry-form input[name=standards][value="${s}"]`);
  if (note) await page.fill("#m-note", note);
  await page.click(".entry-form button[type=submit]");
  await page.waitForSelector(".entry-form", { state: "detached" });
}

/** The last state of each entity of `kind` in `changes`, by id. */
export function latest(changes, kind) {
  const rows = new Map();
  for (const c of changes) if (c.entity === kind && c.op === "put") rows.set(c.id, c.data);
  return rows;
}

/** WCAG 2.2 AA as axe checks it (`wcag22aa` or the target-size rule never runs). */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** The page's axe violations, one line each: rule and the elements. */
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * A profile with Chromium's fake camera and a stand-in for the Barcode
 * Detection API, which Chromium on Linux lacks. Everything but the
 * decoding is real (getUserMedia, the video, the app's frame loop): the
 * stand-in reads whatever `showCode(page, text)` puts "in view".
 */
export async function launchWithCamera(profileDir) {
  const context = await launchProfile(profileDir, ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
  await context.addInitScript(() => {
    window.BarcodeDetector = class {
      constructor(options) {
        this.formats = options?.formats ?? [];
      }
      async detect(source) {
        if (!(source instanceof HTMLVideoElement) || source.readyState < 2) return [];
        return window.__codeInView ? [{ rawValue: window.__codeInView, format: "qr_code" }] : [];
      }
    };
  });
  return context;
}

/** Puts a QR code reading `text` in front of the fake camera (null: none). */
export async function showCode(page, text) {
  await page.evaluate((t) => (window.__codeInView = t), text);
}
