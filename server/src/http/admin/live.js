// Keeps the `#live` part of an organizer page current without a reload:
// every few seconds (the element's data-live, in seconds) it fetches the
// page again and moves the new part's nodes in. The markup comes from the
// server's own rendering of the same page, so the numbers here are always
// the ones the page and the API compute. Paused while the tab is hidden.
(() => {
  const live = document.getElementById("live");
  if (!live) return;
  const every = Math.max(2, Number(live.dataset.live) || 3) * 1000;
  let busy = false;

  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const response = await fetch(location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        cache: "no-store",
      });
      if (response.redirected || !response.ok) {
        live.setAttribute("data-stale", "true");
        return;
      }
      const fresh = new DOMParser()
        .parseFromString(await response.text(), "text/html")
        .getElementById("live");
      if (!fresh) return;
      // Keep what a person opened (a chart's table) open after the swap.
      const open = new Set(
        [...live.querySelectorAll("details[open]")].map((d) => d.closest("[aria-labelledby]")?.getAttribute("aria-labelledby")),
      );
      live.replaceChildren(...fresh.childNodes);
      for (const details of live.querySelectorAll("details")) {
        if (open.has(details.closest("[aria-labelledby]")?.getAttribute("aria-labelledby"))) details.open = true;
      }
      live.removeAttribute("data-stale");
    } catch (_offline) {
      live.setAttribute("data-stale", "true");
    } finally {
      busy = false;
    }
  }

  setInterval(refresh, every);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
})();
