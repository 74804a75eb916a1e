// Benchmark: the release bundle's size (every chunk, and what the program
// page fetches before it is interactive, in Chromium) and a full program
// pull.
// Run: scripts/bench (builds release first). Prints a Markdown section for
// BENCHMARKS.md. Only ever talks to 127.0.0.1.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import http from "node:http";
import { brotliCompressSync, brotliDecompressSync, constants, gzipSync } from "node:zlib";
import { launchProfile, removeDir, startServer, tempDir, waitForProgram } from "../tests/browser/harness.mjs";

const ROOT = join(import.meta.dirname, "..");
const PKG = join(process.env.LEPTOS_SITE_ROOT ?? join(ROOT, "target/site"), "pkg");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function bundle() {
  const files = readdirSync(PKG).filter((f) => /\.(wasm|js)$/.test(f) && statSync(join(PKG, f)).isFile());
  const rows = files.map((f) => {
    const bytes = readFileSync(join(PKG, f));
    const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, br };
  });
  const sum = (rs) => rs.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, br: t.br + r.br }), { raw: 0, gzip: 0, br: 0 });
  // The splitter's shared pieces (code two lazy routes both call) are many
  // and small: one row for them all.
  const shared = rows.filter((r) => /^chunk_\d+\./.test(r.file));
  const named = rows.filter((r) => !shared.includes(r));
  if (shared.length) named.push({ file: `shared chunks (${shared.length} files)`, ...sum(shared) });
  return { rows: named, total: sum(rows) };
}

/**
 * What a first visit to the program page fetches from pkg/ before the app
 * is interactive (the page's `hallpass-live` mark, set when the app takes
 * over the server's markup), and what it fetches after, until the device
 * holds the program (the sync's chunk, pulled once the page works): each
 * file and its bytes on the wire (the server sends the build's brotli
 * copies). A fetch counts as before when it started before the mark.
 */
async function beforeInteractive(url) {
  const profile = tempDir("bench-profile");
  const context = await launchProfile(profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await waitForProgram(page);
    const { live, entries } = await page.evaluate(() => ({
      live: performance.getEntriesByName("hallpass-live", "mark")[0]?.startTime ?? null,
      entries: performance
        .getEntriesByType("resource")
        .filter((e) => new URL(e.name).pathname.startsWith("/pkg/"))
        .map((e) => ({ file: new URL(e.name).pathname.slice(5), wire: e.encodedBodySize, start: e.startTime })),
    }));
    if (live === null) throw new Error("the page never marked itself interactive (hallpass-live)");
    const fetched = entries.filter((e) => e.start < live);
    const later = entries.filter((e) => e.start >= live);
    return { fetched, later, wire: fetched.reduce((t, f) => t + f.wire, 0) };
  } finally {
    await context.close();
    removeDir(profile);
  }
}

const unhashed = (file) => file.replace(/\.[0-9a-zA-Z_-]{16,}\./, ".<hash>.");

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One GET with `accept-encoding: br`: the bytes as they crossed the wire. */
function getRaw(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": "br" } }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

async function pull(url, runs) {
  const times = [];
  let wire = 0, raw = 0, changes = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const { encoding, bytes } = await getRaw(`${url}/api/v1/sync/pull?limit=5000`);
    times.push(performance.now() - start);
    const body = encoding === "br" ? brotliDecompressSync(bytes) : bytes;
    wire = bytes.length;
    raw = body.length;
    changes = JSON.parse(body.toString("utf8")).changes.length;
  }
  times.sort((a, b) => a - b);
  return { runs, changes, raw, wire, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) };
}

const dir = tempDir("bench");
const server = await startServer({ db: join(dir, "bench.sqlite") });
try {
  await pull(server.url, 20); // warm up
  const p = await pull(server.url, 300);
  const b = bundle();
  const first = await beforeInteractive(server.url);
  const scripts = first.fetched.filter((f) => /\.(wasm|js)$/.test(f.file));
  const lines = [
    `### Program bundle and full program pull — ${new Date().toISOString().slice(0, 10)}`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB. Command: \`scripts/bench\`.`,
    "",
    "| bundle file | raw | gzip -9 | brotli 11 |",
    "| --- | --- | --- | --- |",
    ...b.rows.map((r) => `| ${unhashed(r.file)} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.br)} |`),
    `| **every chunk (wasm + js)** | ${kb(b.total.raw)} | ${kb(b.total.gzip)} | **${kb(b.total.br)}** (budget, spec §7: 450 KB) |`,
    "",
    "What a first visit to the program page fetched from /pkg/ before the app was interactive (its `hallpass-live` mark; Chromium, a new profile; bytes on the wire, the build's brotli copies):",
    "",
    "| file | on the wire |",
    "| --- | --- |",
    ...first.fetched.map((f) => `| ${unhashed(f.file)} | ${kb(f.wire)} |`),
    `| **wasm + js before interactive** | **${kb(scripts.reduce((t, f) => t + f.wire, 0))}** (budget, spec §7: 300 KB) |`,
    "",
    "Fetched once the page was interactive, until the device held the program (the first sync; not waited for):",
    "",
    "| file | on the wire |",
    "| --- | --- |",
    ...first.later.map((f) => `| ${unhashed(f.file)} | ${kb(f.wire)} |`),
    "",
    `Full program pull (demo conference, ${p.changes} sessions, no token, ${p.runs} sequential requests over loopback, server compressing with brotli level 5):`,
    "",
    "| p50 | p99 | max | JSON | on the wire (br) |",
    "| --- | --- | --- | --- | --- |",
    `| ${p.p50.toFixed(2)} ms | ${p.p99.toFixed(2)} ms | ${p.max.toFixed(2)} ms | ${kb(p.raw)} | ${kb(p.wire)} |`,
    "",
  ];
  console.log(lines.join("\n"));
} finally {
  await server.stop();
  removeDir(dir);
}
