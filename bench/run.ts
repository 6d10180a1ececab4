/**
 * npm run bench: cold start, per-call overhead and memory of the built server, each next to a
 * baseline measured in the same run. Prints medians; these machines are shared, so compare ratios.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FakeZoom } from "../test/helpers/fake-zoom.js";
import { loadCatalog } from "../src/catalog/load.js";
import { validatorFor } from "../src/tools/validate.js";
import { httpBenches } from "./http-load.js";
import { governorBenchmarks } from "./governor.js";
import { httpPath, printHttpPath } from "./http-path.js";
import { allListSizes } from "./list-sizes.js";
import { searchQuality } from "./search-quality.js";
import { trimmingFigures } from "./trimming.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./one-tool-server.mjs", import.meta.url));
/**
 * Cold starts per server; the targets need at least 10, so fewer only for a quick look. 21 by default: on a
 * shared 2-core machine one start in ten lands on a noisy moment, and the median of 21 moves less.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
/** An earlier build's entry, started next to this one (cold start) and run through the same bursts (governor). */
const BEFORE = process.env.BENCH_BEFORE_ENTRY;
/** Rounds of CALLS calls in the HTTP-path figure; each figure is the median round's. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (n: number) => `${n.toFixed(n < 10 ? 3 : 1)} ms`;

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function connect(command: string, args: string[], env: Record<string, string>) {
  const transport = new StdioClientTransport({ command, args, env: { PATH: process.env.PATH ?? "", ...env }, stderr: "ignore" });
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

interface Start {
  readonly ms: number;
  readonly rssMiB: number;
  readonly tools: Array<{ name: string }>;
}

/**
 * The same start with a bare JSON-RPC client on the pipes: no SDK client parsing and validating the
 * listing, so what is left is the server's own time to the last byte of its tools/list answer.
 */
function rawStartOnce(args: string[], env: Record<string, string>): Promise<Start> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "ignore"] });
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    let buffered = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (data: string) => {
      buffered += data;
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (line.startsWith('{"result":{"protocolVersion"') || /"id":1[,}]/.test(line.slice(0, 200))) {
          send({ jsonrpc: "2.0", method: "notifications/initialized" });
          send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
        } else if (line.includes('"id":2')) {
          const elapsed = performance.now() - started;
          const rssMiB = rssKiB(child.pid!) / 1024;
          child.kill();
          resolve({ ms: elapsed, rssMiB, tools: (JSON.parse(line) as { result: { tools: Array<{ name: string }> } }).result.tools });
        }
      }
    });
    child.on("error", reject);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1.0.0" } } });
  });
}

/** One cold start: spawn, initialize, one complete tools/list; then the child's RSS. */
async function startOnce(args: string[], env: Record<string, string>, raw = false): Promise<Start> {
  if (raw) return rawStartOnce(args, env);
  const started = performance.now();
  const { client, transport } = await connect(process.execPath, args, env);
  const list = await client.listTools();
  const elapsed = performance.now() - started;
  const rssMiB = rssKiB(transport.pid!) / 1024;
  await client.close();
  return { ms: elapsed, rssMiB, tools: list.tools };
}

/**
 * Cold starts of several servers, interleaved run by run so machine noise hits all alike. The order
 * rotates each run, so no server always starts first or right after the same other one. Each is
 * spawned the same way (node over stdio, the SDK client: initialize, then one complete tools/list).
 */
async function coldStarts(servers: Record<string, { args: string[]; env: Record<string, string>; raw?: boolean }>) {
  const keys = Object.keys(servers);
  const runs: Record<string, Start[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    const order = [...keys.slice(i % keys.length), ...keys.slice(0, i % keys.length)];
    for (const key of order) runs[key]!.push(await startOnce(servers[key]!.args, servers[key]!.env, servers[key]!.raw));
  }
  return Object.fromEntries(
    Object.entries(runs).map(([key, starts]) => [
      key,
      { ms: median(starts.map((s) => s.ms)), all: starts.map((s) => s.ms), rssMiB: median(starts.map((s) => s.rssMiB)), tools: starts[0]!.tools },
    ]),
  );
}

const TARGET_RATIO = 1.3;
const TARGET_RSS_MIB = 80;
const TARGET_AVG_TOKENS = 400;
const TARGET_MAX_TOKENS = 6000;
const mark = (ok: boolean) => (ok ? "ok" : "MISSED");

/** What building the validators costs: each tool's schema compiled once, as its first call does. */
function firstCallCosts() {
  const times = loadCatalog().tools.map((tool) => {
    const started = performance.now();
    validatorFor(tool.inputSchema);
    return { name: tool.name, ms: performance.now() - started };
  });
  return { median: median(times.map((t) => t.ms)), biggest: times.reduce((a, b) => (b.ms > a.ms ? b : a)), total: times.reduce((n, t) => n + t.ms, 0) };
}

async function main() {
  // One section alone: BENCH_ONLY=governor (bursts against the rate-limited fake) or BENCH_ONLY=http-path (the request path).
  if (process.env.BENCH_ONLY === "governor") return governorBenchmarks(ENTRY);
  if (process.env.BENCH_ONLY === "http-path") return printHttpPath(await httpPath(CALLS, ROUNDS));
  const fake = await new FakeZoom().start();
  fake.on("PATCH", /^\/meetings\/\d+\/livestream$/, { status: 204 });
  const env = {
    ZOOM_ACCOUNT_ID: "bench",
    ZOOM_CLIENT_ID: "bench",
    ZOOM_CLIENT_SECRET: "bench-secret",
    ZOOM_API_BASE_URL: fake.apiBase,
    ZOOM_OAUTH_TOKEN_URL: fake.tokenUrl,
    LOG_LEVEL: "warn",
  };

  console.log(`# zoom-mcp benchmarks (${RUNS} interleaved cold starts each, ${CALLS} calls; node ${process.version})\n`);

  const starts = await coldStarts({
    all: { args: [ENTRY, "--toolsets", "all"], env },
    base: { args: [BASELINE], env: {} },
    byDefault: { args: [ENTRY], env },
    allRaw: { args: [ENTRY, "--toolsets", "all"], env, raw: true },
    baseRaw: { args: [BASELINE], env: {}, raw: true },
    // An earlier build to compare with in the same run: BENCH_BEFORE_ENTRY=path/to/its/dist/index.js.
    ...(BEFORE ? { before: { args: [BEFORE, "--toolsets", "all"], env } } : {}),
  });
  const { all, base, byDefault, allRaw, baseRaw, before } = starts as Record<string, { ms: number; all: number[]; rssMiB: number; tools: Array<{ name: string }> }>;
  const ratio = all!.ms / base!.ms;
  // The same figure run by run: each run's two starts were measured next to each other.
  const paired = median(all!.all.map((ms, i) => ms / base!.all[i]!));
  const spread = (xs: number[]) => `${ms(Math.min(...xs))}-${ms(Math.max(...xs))}`;
  console.log(`## Cold start: spawn -> initialize -> complete tools/list (median of ${RUNS} interleaved runs, order rotating; all over stdio, started the same way)`);
  if (RUNS < 10) console.log(`(only ${RUNS} runs: the target is defined on at least 10)`);
  console.log(`| server | median | range | RSS after tools/list |`);
  console.log(`|---|---:|---:|---:|`);
  console.log(`| zoom-mcp --toolsets all (${all!.tools.length} tools) | ${ms(all!.ms)} | ${spread(all!.all)} | ${all!.rssMiB.toFixed(1)} MiB |`);
  console.log(`| zoom-mcp, no flags (default profile, ${byDefault!.tools.length} tools) | ${ms(byDefault!.ms)} | ${spread(byDefault!.all)} | ${byDefault!.rssMiB.toFixed(1)} MiB |`);
  console.log(`| one-tool SDK server (floor) | ${ms(base!.ms)} | ${spread(base!.all)} | ${base!.rssMiB.toFixed(1)} MiB |`);
  if (before) {
    const beforePaired = median(before.all.map((ms, i) => ms / base!.all[i]!));
    console.log(`| earlier build (${BEFORE}) --toolsets all (${before.tools.length} tools) | ${ms(before.ms)} | ${spread(before.all)} | ${before.rssMiB.toFixed(1)} MiB |`);
    console.log(`earlier build vs one-tool server: ${(before.ms / base!.ms).toFixed(2)}x (per run ${beforePaired.toFixed(2)}x)`);
  }
  console.log(`cold start, all tools vs one-tool server: ${ratio.toFixed(2)}x (ratio of medians; median of the per-run ratios ${paired.toFixed(2)}x; target <= ${TARGET_RATIO}x: ${mark(Math.max(ratio, paired) <= TARGET_RATIO)})`);
  const rawRatio = allRaw!.ms / baseRaw!.ms;
  const rawPaired = median(allRaw!.all.map((ms, i) => ms / baseRaw!.all[i]!));
  console.log(
    `server side (a bare JSON-RPC client instead of the SDK's, which parses and checks the ${Math.round(Buffer.byteLength(JSON.stringify({ tools: all!.tools })) / 1024)} KB listing): ${ms(allRaw!.ms)} vs ${ms(baseRaw!.ms)}, ${rawRatio.toFixed(2)}x (per run ${rawPaired.toFixed(2)}x)`,
  );
  console.log(
    `RSS after start, all tools: ${all!.rssMiB.toFixed(1)} MiB (target <= ${TARGET_RSS_MIB} MiB: ${mark(all!.rssMiB <= TARGET_RSS_MIB)}; one-tool server ${base!.rssMiB.toFixed(1)} MiB, +${(all!.rssMiB - base!.rssMiB).toFixed(1)} MiB)\n`,
  );

  const perTool = all!.tools.map((t) => ({ name: t.name, bytes: Buffer.byteLength(JSON.stringify(t)) }));
  const bytes = Buffer.byteLength(JSON.stringify({ tools: all!.tools }));
  const avg = bytes / 4 / perTool.length;
  const biggest = perTool.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  console.log("## tools/list with every toolset (tokens = JSON bytes / 4)");
  console.log(`total: ${bytes} bytes, ~${Math.round(bytes / 4)} tokens for ${perTool.length} tools`);
  console.log(`per tool: avg ${avg.toFixed(0)} tokens (target <= ${TARGET_AVG_TOKENS}: ${mark(avg <= TARGET_AVG_TOKENS)}); max ${Math.round(biggest.bytes / 4)} tokens, ${biggest.name} (target <= ${TARGET_MAX_TOKENS}: ${mark(biggest.bytes / 4 <= TARGET_MAX_TOKENS)})`);
  console.log(`largest: ${[...perTool].sort((a, b) => b.bytes - a.bytes).slice(0, 5).map((t) => `${t.name} ${Math.round(t.bytes / 4)}`).join(", ")}\n`);

  const validation = firstCallCosts();
  console.log("## Validator built on a tool's first call (z.fromJSONSchema, in this process)");
  console.log(`median tool ${ms(validation.median)}, ${validation.biggest.name} ${ms(validation.biggest.ms)}, all 373 together ${ms(validation.total)}\n`);

  if (process.env.BENCH_ONLY === "start") return void (await fake.stop());

  // Per-call overhead over stdio vs direct HTTP to the same fake. The fake has no rate limit, so lift the governor's
  // Light budget: this measures the call path, not pacing (see governorBenchmarks for that).
  const { client, transport } = await connect(process.execPath, [ENTRY, "--toolsets", "meetings"], { ...env, ZOOM_RATE_LIMIT_LIGHT: "10000" });
  const args = { meetingId: "85746065123", stream_url: "rtmp://live.example.com/app", stream_key: "key" };
  await client.callTool({ name: "update_meeting_livestream", arguments: args }); // warm the token and JIT
  const rssIdle = rssKiB(transport.pid!);
  const viaMcp: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await client.callTool({ name: "update_meeting_livestream", arguments: args });
    viaMcp.push(performance.now() - t);
  }
  const rssAfter = rssKiB(transport.pid!);
  await client.close();
  const direct: number[] = [];
  const body = JSON.stringify({ stream_url: args.stream_url, stream_key: args.stream_key });
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const res = await fetch(`${fake.apiBase}/meetings/${args.meetingId}/livestream`, {
      method: "PATCH",
      headers: { authorization: "Bearer x", "content-type": "application/json" },
      body,
    });
    await res.text();
    direct.push(performance.now() - t);
  }
  const m = median(viaMcp);
  const d = median(direct);
  console.log(`## Per-call overhead: ${CALLS} sequential update_meeting_livestream calls`);
  console.log(`| path | median per call |`);
  console.log(`|---|---:|`);
  console.log(`| MCP over stdio -> zoom-mcp -> fake Zoom | ${ms(m)} |`);
  console.log(`| direct HTTP -> fake Zoom | ${ms(d)} |`);
  console.log(`difference: ${ms(m - d)} per call (${(m / d).toFixed(2)}x)\n`);
  console.log(`## Memory (RSS) of zoom-mcp --toolsets meetings: ${(rssIdle / 1024).toFixed(1)} MiB after start and one call, ${(rssAfter / 1024).toFixed(1)} MiB after ${CALLS} calls\n`);

  printHttpPath(await httpPath(CALLS, ROUNDS));

  console.log("## tools/list size (JSON bytes; tokens = bytes / 4)");
  console.log("| profile | tools | bytes | ~tokens |");
  console.log("|---|---:|---:|---:|");
  for (const r of await allListSizes()) console.log(`| ${r.profile} | ${r.tools} | ${r.bytes} | ${r.tokens} |`);
  console.log("");
  for (const line of await searchQuality()) console.log(line);
  console.log("");
  for (const line of await trimmingFigures()) console.log(line);
  await fake.stop();
  await httpBenches({ churnSessions: Number(process.env.BENCH_CHURN_SESSIONS ?? 10_000) });
  console.log("");
  await governorBenchmarks(ENTRY);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
