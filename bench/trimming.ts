/**
 * Trimming an oversized answer to the size cap: time, result size against the cap, and the
 * longest event-loop stall, at 1, 3 and 10 MB. Each time is printed next to its floor measured in
 * the same run: one JSON.stringify of the same data (the least any trimming must do), and the stall
 * of a task that yields every 4 ms (what the machine's load alone costs). Then all_pages against
 * answers that page forever: how many requests it sends before it stops.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fitJson } from "../src/tools/shaping.js";
import { startHarness, textOf } from "../test/helpers/harness.js";

const CAP = 80_000;
const RUNS = Number(process.env.BENCH_TRIM_RUNS ?? 3);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function body(shape: "object" | "list", bytes: number): unknown {
  if (shape === "object") {
    const o: Record<string, string> = {};
    for (let i = 0, n = 0; n < bytes; i++) {
      const k = `field_${i}`;
      o[k] = "v".repeat(90);
      n += k.length + 96;
    }
    return o;
  }
  const meetings = [];
  for (let i = 0, n = 0; n < bytes; i++, n += 190) meetings.push({ id: 100_000 + i, topic: `Meeting ${i}`, agenda: "a".repeat(150) });
  return { page_size: 300, total_records: meetings.length, next_page_token: "more", meetings };
}

async function stallOf(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // Let the histogram's timer start first: work that never yields would otherwise go unseen.
  await new Promise((r) => setTimeout(r, 10));
  await work();
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return h.max / 1e6;
}

async function cooperative(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const slice = performance.now();
    while (performance.now() - slice < 4);
    await new Promise((r) => setImmediate(r));
  }
}

export async function trimmingFigures(): Promise<string[]> {
  const lines = [
    `## Trimming to the size cap (${CAP} characters; median of ${RUNS}, interleaved with the floors)`,
    "| answer | trim | floor: JSON.stringify | ratio | result / cap | longest stall | floor stall |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const shape of ["object", "list"] as const) {
    for (const mb of [1, 3, 10]) {
      const data = JSON.parse(JSON.stringify(body(shape, mb * 1_000_000))) as unknown;
      const trims: number[] = [];
      const floors: number[] = [];
      const stalls: number[] = [];
      const floorStalls: number[] = [];
      let size = 0;
      for (let r = 0; r < RUNS; r++) {
        let t = performance.now();
        JSON.stringify(data);
        floors.push(performance.now() - t);
        t = performance.now();
        stalls.push(
          await stallOf(async () => {
            const fitted = await fitJson(data, CAP);
            size = fitted.text.length;
          }),
        );
        const took = performance.now() - t;
        trims.push(took);
        floorStalls.push(await stallOf(() => cooperative(Math.min(took, 1000))));
      }
      const trim = median(trims);
      const floor = median(floors);
      lines.push(
        `| ${shape}, ${mb} MB | ${trim.toFixed(0)} ms | ${floor.toFixed(0)} ms | ${(trim / floor).toFixed(1)}x | ${(size / CAP).toFixed(2)} | ${Math.max(...stalls).toFixed(0)} ms | ${Math.max(...floorStalls).toFixed(0)} ms |`,
      );
    }
  }
  lines.push("");
  lines.push("## all_pages against answers that never end (requests sent before it stopped)");
  lines.push("| answer | requests | stop |");
  lines.push("|---|---:|---|");
  const cases: Array<[string, (n: number, token: string | undefined) => unknown]> = [
    ["empty pages that still carry a new token", (n, token) => ({ next_page_token: `t${n}`, meetings: token ? [] : [{ id: n }] })],
    ["one item and a new token, forever", (n) => ({ next_page_token: `t${n}`, meetings: [{ id: n }] })],
    ["the same token again and again", (n) => ({ next_page_token: "same", meetings: [{ id: n }] })],
  ];
  for (const [label, page] of cases) {
    const h = await startHarness({ config: { logLevel: "warn" } });
    let n = 0;
    h.fake.on("GET", "/users/me/meetings", (req) => ({ body: page(++n, req.query.next_page_token) }));
    const result = await h.call("list_meetings", { userId: "me", all_pages: true });
    const stop = /all_pages: ([^\n]*?\.)(?: |$)/.exec(textOf(result))?.[1] ?? "?";
    lines.push(`| ${label} | ${h.fake.requests.length} | ${stop} |`);
    await h.close();
  }
  lines.push("");
  return lines;
}
