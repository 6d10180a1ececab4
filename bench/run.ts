/**
 * npm run bench: cold start, per-call overhead and memory of the built server, each next to a
 * baseline measured in the same run. Prints medians; these machines are shared, so compare ratios.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FakeZoom } from "../test/helpers/fake-zoom.js";
import { httpBenches } from "./http-load.js";
import { governorBenchmarks } from "./governor.js";
import { allListSizes } from "./list-sizes.js";
import { searchQuality } from "./search-quality.js";
import { trimmingFigures } from "./trimming.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./one-tool-server.mjs", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);

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

async function coldStart(label: string, args: string[], env: Record<string, string>) {
  const times: number[] = [];
  const rss: number[] = [];
  let listBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const { client, transport } = await connect(process.execPath, args, env);
    const list = await client.listTools();
    times.push(performance.now() - started);
    listBytes = Buffer.byteLength(JSON.stringify(list.tools));
    rss.push(rssKiB(transport.pid!));
    await client.close();
  }
  return { label, median: median(times), rssMiB: median(rss) / 1024, tools: 0, listBytes };
}

async function main() {
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

  console.log(`# zoom-mcp benchmarks (${RUNS} cold starts each, ${CALLS} calls; node ${process.version})\n`);

  // Interleave the two servers' runs so machine noise hits both alike.
  const ours = await coldStart("zoom-mcp --toolsets all", [ENTRY, "--toolsets", "all"], env);
  const base = await coldStart("one-tool SDK server", [BASELINE], {});
  const ours2 = await coldStart("zoom-mcp --toolsets all", [ENTRY, "--toolsets", "all"], env);
  const oursMedian = median([ours.median, ours2.median]);
  const byDefault = await coldStart("zoom-mcp (default profile)", [ENTRY], env);
  console.log("## Cold start: spawn -> initialize -> complete tools/list (median)");
  console.log(`| server | median | RSS after list |`);
  console.log(`|---|---:|---:|`);
  console.log(`| zoom-mcp --toolsets all (373 tools) | ${ms(oursMedian)} | ${ours.rssMiB.toFixed(1)} MiB |`);
  console.log(`| zoom-mcp, no flags (default profile, 27 tools) | ${ms(byDefault.median)} | ${byDefault.rssMiB.toFixed(1)} MiB |`);
  console.log(`| one-tool SDK server | ${ms(base.median)} | ${base.rssMiB.toFixed(1)} MiB |`);
  console.log(`ratio: ${(oursMedian / base.median).toFixed(2)}x; tools/list with every toolset: ${ours.listBytes} bytes, ~${Math.round(ours.listBytes / 4)} tokens\n`);

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
