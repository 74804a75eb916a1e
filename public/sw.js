// Hallpass service worker. The server fills in the three values below for
// each build (see server/src/http/pwa.rs): a new build is a new worker with a
// new cache, and the old cache is deleted when it takes over.
//
// - Navigations: network first (with a short timeout, because venue Wi-Fi
//   often connects but does not answer), then the cached page. A URL with a
//   parameter (/sessions/42) is served the one cached page of its route: the
//   app renders the same markup for every parameter until it has mounted.
// - The bundle, icons and manifest: cache first; their names or the build
//   id change when their content does.
// - /api/ and /admin: never cached, never touched. The app keeps its data in
//   IndexedDB; the organizers' console works online only.
const BUILD_ID = "__BUILD_ID__";
const PRECACHE = ["__PRECACHE__"];
const ROUTES = ["__ROUTES__"];

const CACHE = "hallpass-" + BUILD_ID;
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload` skips the HTTP cache: the precache must be this build's files.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("hallpass-") && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The API and the organizers' console (served online, never cached).
  if (url.pathname.startsWith("/api/") || url.pathname === "/admin" || url.pathname.startsWith("/admin/")) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, url));
  }
});

// The app says the device now holds an account, or no longer does: some
// pages are rendered from that (an empty device's kiosk page is the pairing
// form), so every cached route is fetched again with the new cookie. Offline,
// the old copies stay until the next online visit of each page.
self.addEventListener("message", (event) => {
  if (event.origin !== self.location.origin || event.data !== "account-changed") return;
  event.waitUntil(refreshRoutes());
});

async function refreshRoutes() {
  const cache = await caches.open(CACHE);
  await Promise.all(
    ROUTES.map(async ({ path }) => {
      try {
        const response = await fetch(new Request(path, { cache: "reload" }));
        if (response.ok) await cache.put(path, response);
      } catch (_offline) {
        // Kept as it was.
      }
    }),
  );
}

function routeFor(pathname) {
  for (const route of ROUTES) {
    if (new RegExp(route.pattern).test(pathname)) return route.path;
  }
  return null;
}

async function navigate(request, url) {
  const cache = await caches.open(CACHE);
  const cachedPath = routeFor(url.pathname);
  try {
    const response = await fetchWithTimeout(request, NETWORK_TIMEOUT_MS);
    // Keep the cached copy of a route's own page fresh (same build).
    if (response.ok && cachedPath === url.pathname) {
      await cache.put(cachedPath, response.clone());
    }
    return response;
  } catch (_offline) {
    const cached = (cachedPath && (await cache.match(cachedPath))) || (await cache.match(url.pathname));
    return cached || offlinePage();
  }
}

async function cacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(url.pathname);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(url.pathname, response.clone());
  return response;
}

function fetchWithTimeout(request, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    fetch(request).then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function offlinePage() {
  const html =
    '<!DOCTYPE html><html lang="en"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Offline · Hallpass</title>" +
    '<main style="font: 1.1rem/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">' +
    "<h1>You are offline</h1><p>This page is not saved on this device. " +
    '<a href="/">Open the program</a>, which works offline.</p></main>';
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
