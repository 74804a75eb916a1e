// Benchmark: where the app's start goes on a first visit, with Chromium's
// CPU throttled 4× (what Lighthouse's mobile run assumes). For the program
// page, a session page and the kiosk, three fresh profiles each: the
// main-thread task that starts the app, how much of it V8 spent compiling
// wasm functions on their first call (it compiles each lazily, on the main
// thread), and the blocking time over the whole load (each task's time
// beyond 50 ms, summed), from a Chromium trace.
// Run: scripts/bench (builds release first). Prints a Markdown section for
// BENCHMARKS.md. Only ever talks to 127.0.0.1.
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { appLive, launchProfile, removeDir, startServer, tempDir } from "../tests/browser/harness.mjs";

const PAGES = [
  ["program", "/"],
  ["a session", "/sessions/1"],
  ["kiosk", "/kiosk"],
];
const RUNS = 3;
const CATEGORIES = "devtools.timeline,v8.wasm,disabled-by-default-devtools.timeline";

/** A first visit to `url` traced: the trace's complete events. */
async function traced(url) {
  const profile = tempDir("bench-start");
  const context = await launchProfile(profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const events = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
    const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
    await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReportEvents" });
    await page.goto(url);
    await appLive(page);
    // What the start sets off (the page's first effects, the sync's chunk)
    // lands within this.
    await page.waitForTimeout(1500);
    await cdp.send("Tracing.end");
    await complete;
    return events.filter((e) => e.ph === "X");
  } finally {
    await context.close();
    removeDir(profile);
  }
}

/**
 * The start: the main-thread task in which V8 compiled the most wasm (the
 * app's first draw calls most of its functions for the first time), its
 * compiling, and the blocking time of every task from the document's
 * parsing on (the browser's own set-up of a new profile before it is not
 * the page's).
 */
function measure(events) {
  const parse = events.find((e) => e.name === "ParseHTML");
  if (!parse) throw new Error("the trace has no ParseHTML: no document was loaded");
  const onMain = (e) => e.pid === parse.pid && e.tid === parse.tid;
  const tasks = events.filter((e) => onMain(e) && e.name === "RunTask" && e.ts + e.dur >= parse.ts);
  const lazy = events.filter((e) => onMain(e) && e.name === "wasm.CompileLazy");
  const compiled = (task) => lazy.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
  const time = (es) => es.reduce((t, e) => t + e.dur, 0) / 1000;
  const start = tasks.reduce((a, b) => (time(compiled(b)) > time(compiled(a)) ? b : a));
  return {
    task: start.dur / 1000,
    compile: time(compiled(start)),
    functions: compiled(start).length,
    blocking: tasks.reduce((t, e) => t + Math.max(0, e.dur / 1000 - 50), 0),
  };
}

const dir = tempDir("bench-start");
const server = await startServer({ db: join(dir, "bench.sqlite") });
try {
  const rows = [];
  for (const [name, path] of PAGES) {
    for (let run = 1; run <= RUNS; run++) {
      const m = measure(await traced(`${server.url}${path}`));
      rows.push(
        `| ${name} (\`${path}\`) | ${run} | ${m.task.toFixed(0)} ms | ${m.compile.toFixed(0)} ms (${Math.round((100 * m.compile) / m.task)} %) | ${m.functions} | ${m.blocking.toFixed(0)} ms |`,
      );
    }
  }
  console.log([
    `### The app's start, CPU 4× slower — ${new Date().toISOString().slice(0, 10)}`,
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB. Command: \`scripts/bench\` (alone: \`node bench/start.mjs\` after a release build). A first visit in a fresh profile, traced in Chromium with the CPU throttled 4×, network not throttled.`,
    "",
    "| page | run | the start's task | of it, compiling wasm functions on first call | functions compiled in it | blocking time, whole load |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n"));
} finally {
  await server.stop();
  removeDir(dir);
}
