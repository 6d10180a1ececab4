/**
 * The rate governor against a fake Zoom that enforces Zoom's per-label limit (issue 12): bursts of
 * concurrent update_meeting_livestream calls, each server in its own process over stdio. Every
 * figure sits next to its floor, the ideal time (calls / limit). BENCH_BEFORE_ENTRY=path/to/dist/index.js
 * runs the same scenarios against another build (e.g. main before the governor) side by side.
 */
import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Governor } from "../src/http/governor.js";
import { FlexibleDailyStore, MemoryWindowStore } from "../src/http/governor-store.js";
import { silentLogger } from "../src/logger.js";
import { FakeZoom } from "../test/helpers/fake-zoom.js";
import { RateLimitedRoute } from "../test/helpers/rate-limited-zoom.js";
import { sharedRedisUnavailable, TEST_REDIS_URL } from "../test/helpers/redis.js";

interface Scenario {
  readonly name: string;
  readonly calls: number;
  readonly replicas: number;
  readonly limit: number;
  readonly mode: "fixed" | "sliding";
  readonly redis?: boolean;
  /** No limit at the fake and none in zoom-mcp: how fast the call path itself is (the second floor). */
  readonly unlimited?: boolean;
}

interface Outcome {
  seconds: number;
  ideal: number;
  failures: number;
  rejected: number;
  busiest: number;
  tokens: number;
}

async function run(entry: string, s: Scenario): Promise<Outcome> {
  const fake = await new FakeZoom().start();
  const route = new RateLimitedRoute({ limit: s.unlimited ? 1_000_000 : s.limit, mode: s.mode });
  fake.on("PATCH", /^\/meetings\/\d+\/livestream$/, route.responder);
  fake.on("GET", "/accounts", { status: 200, body: {} });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ZOOM_ACCOUNT_ID: `bench-${randomUUID()}`,
    ZOOM_CLIENT_ID: "bench",
    ZOOM_CLIENT_SECRET: "bench-secret",
    ZOOM_API_BASE_URL: fake.apiBase,
    ZOOM_OAUTH_TOKEN_URL: fake.tokenUrl,
    ZOOM_TOOLSETS: "all",
    LOG_LEVEL: "error",
    ...(s.redis ? { ZOOM_MCP_REDIS_URL: TEST_REDIS_URL } : {}),
    ...(s.unlimited ? { ZOOM_RATE_LIMIT_LIGHT: "10000" } : {}),
  };
  const clients = await Promise.all(
    Array.from({ length: s.replicas }, async () => {
      const client = new Client({ name: "bench", version: "1.0.0" });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [entry], env, stderr: "ignore" }));
      await client.callTool({ name: "list_accounts", arguments: {} }); // warm up on another label: token, JIT
      return client;
    }),
  );
  const started = performance.now();
  const results = (await Promise.all(
    clients.flatMap((c, k) =>
      Array.from({ length: s.calls }, (_, i) =>
        c.callTool({ name: "update_meeting_livestream", arguments: { meetingId: String(10_000 + k * s.calls + i), stream_url: "rtmp://a/b", stream_key: "k" } }, undefined, { timeout: 120_000 }),
      ),
    ),
  )) as CallToolResult[];
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  await fake.stop();
  return {
    seconds,
    ideal: (s.calls * s.replicas) / s.limit,
    failures: results.filter((r) => r.isError).length,
    rejected: route.rejected,
    busiest: route.busiestWindow(),
    tokens: fake.tokenRequests.length,
  };
}

/**
 * What one governor ticket costs when its slot is free (the no-contention path of issue 8): ticket,
 * acquire, observe of an answer's X-RateLimit-* headers, succeeded; on a synthetic clock, in this process.
 */
async function ticketCost(limit: number, stepMs: number, calls = 50_000): Promise<number> {
  let clock = 1_000_000;
  const gov = new Governor({
    plan: "pro",
    overrides: { Light: limit },
    windows: new MemoryWindowStore(),
    daily: new FlexibleDailyStore(),
    logger: silentLogger(),
    now: () => clock,
    sleep: () => Promise.reject(new Error("the no-wait path slept")),
  });
  const headers = new Headers({ "x-ratelimit-category": "Light", "x-ratelimit-type": "QPS", "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": "20" });
  const signal = new AbortController().signal;
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock += stepMs;
      const ticket = gov.ticket("PATCH", "/meetings/1/livestream", "Light");
      const gate = await ticket.acquire({ budgetMs: 50_000, signal, onWait: () => undefined });
      if (!gate.ok) throw new Error(gate.message);
      ticket.observe(headers);
      ticket.succeeded(undefined);
    }
  };
  await run(5000);
  const cpu = process.cpuUsage();
  await run(calls);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / calls;
}

export async function governorBenchmarks(entry: string): Promise<void> {
  console.log("## Rate governor: CPU per call when a slot is free (ticket, acquire, observe, succeeded; in process)");
  console.log("| budget | calls | CPU per call |");
  console.log("|---|---|---:|");
  for (const [limit, step, what] of [
    [30, 40, "pro Light (30/s), one call per 40 ms"],
    [10_000, 1, "10,000/s (as the HTTP-path bench sets it), one call per ms"],
  ] as const) {
    console.log(`| ${limit}/s | ${what} | ${(await ticketCost(limit, step)).toFixed(1)} µs |`);
  }
  console.log("");

  const before = process.env.BENCH_BEFORE_ENTRY;
  const redisDown = await sharedRedisUnavailable();
  const scenarios: Scenario[] = [
    { name: "floor: 300 concurrent calls, no limit anywhere", calls: 300, replicas: 1, limit: 30, mode: "fixed", unlimited: true },
    { name: "150 concurrent calls, 30/s fixed window", calls: 150, replicas: 1, limit: 30, mode: "fixed" },
    { name: "300 concurrent calls, 30/s fixed window", calls: 300, replicas: 1, limit: 30, mode: "fixed" },
    { name: "300 concurrent calls, 30/s sliding window", calls: 300, replicas: 1, limit: 30, mode: "sliding" },
    ...(redisDown ? [] : [{ name: "2 replicas x 150 calls, one Redis, 30/s sliding", calls: 150, replicas: 2, limit: 30, mode: "sliding" as const, redis: true }]),
  ];
  console.log("## Rate governor: bursts of update_meeting_livestream against a fake Zoom enforcing 30 Light calls/s");
  console.log("Floors: the ideal (calls / limit), and the first row: the same calls with no limit anywhere (the call path's own speed on this machine).");
  if (redisDown) console.log(`(two-replica scenario skipped: ${redisDown})`);
  console.log("| scenario | build | wall time | ideal (floor) | ratio | failures | 429s | busiest 1 s | token requests |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const s of scenarios) {
    const builds: Array<[string, string]> = [["this build", entry], ...(before ? ([["before", before]] as Array<[string, string]>) : [])];
    for (const [label, path] of builds) {
      const o = await run(path, s);
      console.log(
        `| ${s.name} | ${label} | ${o.seconds.toFixed(2)} s | ${o.ideal.toFixed(1)} s | ${(o.seconds / o.ideal).toFixed(2)}x | ${o.failures} | ${o.rejected} | ${o.busiest} (limit ${s.limit}) | ${o.tokens} |`,
      );
    }
  }
  console.log("");
}
