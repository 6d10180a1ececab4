/**
 * The HTTP path at the floor (issue 8 §2): sequential `update_meeting_livestream` calls through a
 * real MCP client (in memory) -> zoom-mcp -> fake Zoom on 127.0.0.1, interleaved in blocks with
 * direct keep-alive HTTP calls to the same fake. Also the CPU cost of the per-call log line.
 */
import { Agent, request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createApp } from "../src/app.js";
import { loadCatalog } from "../src/catalog/load.js";
import { parseConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { FakeZoom } from "../test/helpers/fake-zoom.js";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export interface HttpPathFigures {
  readonly calls: number;
  readonly ours: { median: number; p99: number; cpuMicros: number };
  readonly direct: { median: number; p99: number; cpuMicros: number };
  readonly logLineMicros: number;
  readonly stringifyMicros: number;
}

/** One direct PATCH over a keep-alive node:http agent: the floor. */
function directCall(agent: Agent, url: URL, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: "PATCH", agent, headers: { authorization: "Bearer x", "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.on("data", () => undefined);
        res.on("end", () => resolve());
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function httpPath(calls: number): Promise<HttpPathFigures> {
  const fake = await new FakeZoom().start();
  fake.on("PATCH", /^\/meetings\/\d+\/livestream$/, { status: 204 });
  // The fake keeps every request; drop them so a long run measures the same thing throughout. The rate
  // governor would pace these Light calls to the plan (30/s); 10,000/s takes it out of the measurement.
  const config = parseConfig({ accountId: "bench", clientId: "bench", clientSecret: "bench-secret", apiBaseUrl: fake.apiBase, oauthTokenUrl: fake.tokenUrl, toolsets: "meetings", logLevel: "info", rateLimitLight: "10000" });
  const devNull = new Writable({ write: (_c, _e, done) => done() });
  const app = await createApp(config, loadCatalog(), createLogger("info", devNull));
  const server = app.newServer();
  const client = new Client({ name: "bench", version: "1.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);

  const args = { meetingId: "85746065123", stream_url: "rtmp://live.example.com/app", stream_key: "key" };
  const body = JSON.stringify({ stream_url: args.stream_url, stream_key: args.stream_key });
  const url = new URL(`${fake.apiBase}/meetings/${args.meetingId}/livestream`);
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < 200; i++) {
    const r = await client.callTool({ name: "update_meeting_livestream", arguments: args });
    if (r.isError) throw new Error(`bench call failed: ${JSON.stringify(r.content)}`);
    await directCall(agent, url, body);
  }
  const ours: number[] = [];
  const direct: number[] = [];
  let oursCpu = 0;
  let directCpu = 0;
  const block = 50;
  for (let done = 0; done < calls; done += block) {
    fake.requests.length = 0;
    let cpu = process.cpuUsage();
    for (let i = 0; i < block; i++) {
      const t = performance.now();
      await client.callTool({ name: "update_meeting_livestream", arguments: args });
      ours.push(performance.now() - t);
    }
    cpu = process.cpuUsage(cpu);
    oursCpu += cpu.user + cpu.system;
    cpu = process.cpuUsage();
    for (let i = 0; i < block; i++) {
      const t = performance.now();
      await directCall(agent, url, body);
      direct.push(performance.now() - t);
    }
    cpu = process.cpuUsage(cpu);
    directCpu += cpu.user + cpu.system;
  }
  await client.close();
  await server.close();
  app.deps.client.close();
  agent.destroy();
  await fake.stop();

  // The per-call log line, as executeTool writes it, into a sink that only counts.
  const logger = createLogger("info", devNull);
  const line = { tool: "update_meeting_livestream", method: "PATCH", path: "/meetings/{meetingId}/livestream", status: 204, durationMs: 1, retries: 0 };
  const N = 20_000;
  for (let i = 0; i < 2000; i++) logger.info(line, "tool call");
  let cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) logger.info(line, "tool call");
  cpu = process.cpuUsage(cpu);
  const logLineMicros = (cpu.user + cpu.system) / N;
  let sink = 0;
  cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) sink += JSON.stringify({ level: 30, time: Date.now(), ...line, msg: "tool call" }).length;
  cpu = process.cpuUsage(cpu);
  const stringifyMicros = (cpu.user + cpu.system) / N + sink * 0;

  return {
    calls: ours.length,
    ours: { median: median(ours), p99: quantile(ours, 0.99), cpuMicros: oursCpu / ours.length },
    direct: { median: median(direct), p99: quantile(direct, 0.99), cpuMicros: directCpu / direct.length },
    logLineMicros,
    stringifyMicros,
  };
}

export function printHttpPath(f: HttpPathFigures): void {
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  console.log(`## HTTP path: ${f.calls} sequential update_meeting_livestream calls, interleaved with direct keep-alive calls`);
  console.log("| figure | zoom-mcp (MCP client in memory) | floor: direct node:http keep-alive | added | target |");
  console.log("|---|---:|---:|---:|---:|");
  console.log(`| median | ${ms(f.ours.median)} | ${ms(f.direct.median)} | ${ms(f.ours.median - f.direct.median)} | <= 0.5 ms |`);
  console.log(`| p99 | ${ms(f.ours.p99)} | ${ms(f.direct.p99)} | ${ms(f.ours.p99 - f.direct.p99)} | <= 3 ms |`);
  console.log(`| CPU per call (client, server and fake Zoom share the process) | ${f.ours.cpuMicros.toFixed(0)} µs | ${f.direct.cpuMicros.toFixed(0)} µs | ${(f.ours.cpuMicros - f.direct.cpuMicros).toFixed(0)} µs | |`);
  console.log(`per-call log line: ${f.logLineMicros.toFixed(1)} µs CPU (floor: JSON.stringify of the same line, ${f.stringifyMicros.toFixed(1)} µs; target <= 20 µs)\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  httpPath(Number(process.env.BENCH_CALLS ?? 1000))
    .then(printHttpPath)
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
