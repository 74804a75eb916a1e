// Benchmark: Lighthouse 12 (mobile: simulated slow 4G and a 4× slower CPU)
// on the program page, a session page and the kiosk, against the release
// build served by the real server on 127.0.0.1, in Debian's Chromium.
// Run: scripts/bench (it installs Lighthouse outside the clone and sets
// LIGHTHOUSE). Prints a Markdown section for BENCHMARKS.md; budgets in
// spec §7: performance ≥ 95 with LCP ≤ 2.5 s, accessibility and best
// practices 100.
import { execFile } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { removeDir, startServer, tempDir } from "../tests/browser/harness.mjs";

const LIGHTHOUSE = process.env.LIGHTHOUSE;
if (!LIGHTHOUSE) throw new Error("set LIGHTHOUSE to the lighthouse CLI (scripts/bench installs it)");

const CHROME_FLAGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
].join(" ");

const PAGES = [
  ["program", "/"],
  ["a session", "/sessions/1"],
  ["kiosk", "/kiosk"],
];

/** One Lighthouse run of `url`: its report, parsed. */
async function audit(url) {
  const { stdout } = await promisify(execFile)(LIGHTHOUSE, [
    url,
    "--chrome-path=/usr/bin/chromium",
    `--chrome-flags=${CHROME_FLAGS}`,
    "--only-categories=performance,accessibility,best-practices",
    "--output=json",
    "--output-path=stdout",
    "--quiet",
  ], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

const score = (report, category) => Math.round((report.categories[category]?.score ?? 0) * 100);
const ms = (report, audit) => report.audits[audit]?.numericValue ?? NaN;

/** What kept a category below 100: the failing audits' titles. */
function misses(report, category) {
  return (report.categories[category]?.auditRefs ?? [])
    .filter((ref) => ref.weight > 0 && (report.audits[ref.id]?.score ?? 1) < 1)
    .map((ref) => report.audits[ref.id].title);
}

const dir = tempDir("lighthouse");
const server = await startServer({ db: join(dir, "bench.sqlite") });
try {
  const rows = [];
  const notes = [];
  for (const [name, path] of PAGES) {
    const report = await audit(`${server.url}${path}`);
    rows.push(
      `| ${name} (\`${path}\`) | ${score(report, "performance")} | ${(ms(report, "first-contentful-paint") / 1000).toFixed(2)} s | ${(ms(report, "largest-contentful-paint") / 1000).toFixed(2)} s | ${ms(report, "total-blocking-time").toFixed(0)} ms | ${score(report, "accessibility")} | ${score(report, "best-practices")} |`,
    );
    for (const category of ["accessibility", "best-practices"]) {
      const missed = misses(report, category);
      if (missed.length) notes.push(`- ${name}, ${category}: ${missed.join("; ")}`);
    }
  }
  console.log([
    `### Lighthouse 12, mobile — ${new Date().toISOString().slice(0, 10)}`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB. Command: \`scripts/bench\` (alone: \`LIGHTHOUSE=… node bench/lighthouse.mjs\` after a release build). Lighthouse's default mobile run: simulated slow 4G, CPU 4× slower, Debian's Chromium headless.`,
    "",
    "| page | performance | FCP | LCP | TBT | accessibility | best practices |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...notes,
    "",
  ].join("\n"));
} finally {
  await server.stop();
  removeDir(dir);
}
