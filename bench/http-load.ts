/**
 * HTTP-mode benches, against the sandbox in a child process (bench/http-server.mjs):
 * - churn: N sessions opened (initialize, one tool call) and closed with DELETE; RSS after GC before and after;
 * - load: S concurrent authenticated sessions x C calls each; errors, p50/p99 latency, RSS before/peak/after.
 * Used by bench/run.ts; `tsx bench/http-load.ts churn|load` runs one on its own (BENCH_DIST=dir measures another build).
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./http-server.mjs", import.meta.url));
const ACCEPT = "application/json, text/event-stream";
const INIT = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } };

export interface BenchServer {
  readonly url: string;
  readonly child: ChildProcess;
  rss(afterGc?: boolean): Promise<number>;
  stop(): Promise<void>;
}

export async function startBenchServer(config: Record<string, string> = {}, dist?: string, floor = false): Promise<BenchServer> {
  const child = fork(SERVER, [], {
    execArgv: ["--expose-gc"],
    env: { PATH: process.env.PATH ?? "", BENCH_CONFIG: JSON.stringify(config), ...(dist ? { BENCH_DIST: dist } : {}), ...(floor ? { BENCH_FLOOR: "1" } : {}) },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => child.once("message", (m) => resolve(m as Record<string, unknown>)));
  const { url } = (await next()) as { url: string };
  return {
    url,
    child,
    rss: async (afterGc = true) => {
      const reply = next();
      child.send(afterGc ? "rss" : "rss-now");
      return (await reply).rss as number;
    },
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.send("stop");
      await exited;
    },
  };
}

/** One JSON-RPC answer from a POST: the body is JSON or an SSE stream whose data lines hold messages. */
async function rpc(url: string, headers: Record<string, string>, body: unknown): Promise<{ res: Response; message: Record<string, unknown> | undefined }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: ACCEPT, ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let message: Record<string, unknown> | undefined;
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    for (const line of text.split("\n")) if (line.startsWith("data: ")) message = JSON.parse(line.slice(6)) as Record<string, unknown>;
  } else if (text) message = JSON.parse(text) as Record<string, unknown>;
  return { res, message };
}

export class BenchSession {
  private id = "";
  private seq = 1;
  constructor(private readonly url: string, private readonly auth: Record<string, string> = {}) {}

  private headers(): Record<string, string> {
    return { ...this.auth, ...(this.id ? { "mcp-session-id": this.id, "mcp-protocol-version": "2025-06-18" } : {}) };
  }

  async open(): Promise<void> {
    const { res, message } = await rpc(this.url, this.auth, INIT);
    if (res.status !== 200 || !message?.result) throw new Error(`initialize: HTTP ${res.status}`);
    this.id = res.headers.get("mcp-session-id") ?? "";
    const note = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json", accept: ACCEPT, ...this.headers() }, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
    await note.text();
  }

  /** Calls a tool; returns its latency in ms, or throws on any error (HTTP, JSON-RPC or isError). */
  async call(name: string, args: Record<string, unknown>): Promise<number> {
    const started = performance.now();
    const { res, message } = await rpc(this.url, this.headers(), { jsonrpc: "2.0", id: ++this.seq, method: "tools/call", params: { name, arguments: args } });
    const elapsed = performance.now() - started;
    const result = message?.result as { isError?: boolean; content?: Array<{ text?: string }> } | undefined;
    if (res.status !== 200 || !result) throw new Error(`tools/call ${name}: HTTP ${res.status} ${JSON.stringify(message?.error ?? "")}`);
    if (result.isError) throw new Error(`tools/call ${name}: ${result.content?.[0]?.text?.slice(0, 200)}`);
    return elapsed;
  }

  async close(): Promise<void> {
    const res = await fetch(this.url, { method: "DELETE", headers: this.headers() });
    await res.text();
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
}

export interface RunOptions {
  readonly dist?: string;
  readonly config?: Record<string, string>;
  readonly auth?: Record<string, string>;
  readonly floor?: boolean;
}

export async function churn(sessions: number, options: RunOptions & { concurrency?: number } = {}) {
  const server = await startBenchServer(options.config, options.dist, options.floor);
  // Warm up (JIT, sandbox data, token) with a few sessions before the starting figure.
  await pool(20, 5, async () => {
    const s = new BenchSession(server.url, options.auth);
    await s.open();
    await s.call("list_users", { page_size: 5 });
    await s.close();
  });
  const before = await server.rss();
  let peak = before;
  const started = performance.now();
  await pool(sessions, options.concurrency ?? 10, async (i) => {
    const s = new BenchSession(server.url, options.auth);
    await s.open();
    await s.call("list_users", { page_size: 5 });
    await s.close();
    if (i % 500 === 0) peak = Math.max(peak, await server.rss(false));
  });
  const seconds = (performance.now() - started) / 1000;
  const after = await server.rss();
  await server.stop();
  return { sessions, before, peak, after, seconds };
}

export async function load(sessions: number, calls: number, options: RunOptions = {}) {
  const server = await startBenchServer(options.config, options.dist, options.floor);
  const before = await server.rss();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await server.rss(false));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, async (_, i) => {
      const s = new BenchSession(server.url, options.auth);
      try {
        await s.open();
        for (let c = 0; c < calls; c++) {
          try {
            latencies.push(await s.call(c % 2 ? "get_user" : "list_meetings", { userId: "me", ...(c % 2 ? {} : { page_size: 10 }) }));
          } catch (error) {
            errors.push(String(error));
          }
        }
        await s.close();
      } catch (error) {
        errors.push(`session ${i}: ${String(error)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  const after = await server.rss();
  await server.stop();
  return { sessions, calls, total: latencies.length, errors, p50: pct(latencies, 50), p99: pct(latencies, 99), seconds, before, peak, after };
}

export function printChurn(label: string, r: Awaited<ReturnType<typeof churn>>): void {
  console.log(`| ${label} | ${r.sessions} | ${mib(r.before)} | ${mib(r.peak)} | ${mib(r.after)} | ${((r.after - r.before) / 1024 / 1024).toFixed(1)} MiB | ${r.seconds.toFixed(1)} s |`);
}

export function printLoad(label: string, r: Awaited<ReturnType<typeof load>>): void {
  console.log(`| ${label} | ${r.sessions} x ${r.calls} | ${r.errors.length} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${Math.round(r.total / r.seconds)}/s | ${mib(r.before)} | ${mib(r.peak)} | ${mib(r.after)} |`);
  if (r.errors.length) console.log(`first errors: ${r.errors.slice(0, 3).join(" / ")}`);
}

const BENCH_TOKEN = "bench-token-0123456789abcdef0123";

/** The HTTP section of npm run bench: the load run and session churn, each next to its floor. */
export async function httpBenches(options: { sessions?: number; calls?: number; churnSessions?: number; dist?: string } = {}): Promise<void> {
  const sessions = options.sessions ?? 100;
  const calls = options.calls ?? 100;
  const churnSessions = options.churnSessions ?? 10_000;
  const authed: RunOptions = { config: { authTokens: `${BENCH_TOKEN} name=bench` }, auth: { authorization: `Bearer ${BENCH_TOKEN}` }, ...(options.dist ? { dist: options.dist } : {}) };
  console.log(`## HTTP load: ${sessions} concurrent authenticated sessions x ${calls} tool calls (sandbox), next to the floor`);
  console.log("| server | sessions x calls | errors | p50 | p99 | calls/s | RSS before | peak | after (GC) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  // Interleaved: floor, ours, floor, ours; medians of the two.
  const floor1 = await load(sessions, calls, { floor: true });
  const ours1 = await load(sessions, calls, authed);
  const floor2 = await load(sessions, calls, { floor: true });
  const ours2 = await load(sessions, calls, authed);
  for (const [label, r] of [["bare SDK server (floor), run 1", floor1], ["zoom-mcp, bearer auth, run 1", ours1], ["bare SDK server (floor), run 2", floor2], ["zoom-mcp, bearer auth, run 2", ours2]] as const) printLoad(label, r);
  const p50 = (ours1.p50 + ours2.p50) / 2;
  const floorP50 = (floor1.p50 + floor2.p50) / 2;
  console.log(`p50 ${p50.toFixed(1)} ms vs floor ${floorP50.toFixed(1)} ms (${(p50 / floorP50).toFixed(2)}x); errors: ${ours1.errors.length + ours2.errors.length}\n`);

  console.log(`## HTTP session churn: ${churnSessions} sessions opened (initialize, one call) and closed (DELETE), RSS after GC`);
  console.log("| server | sessions | RSS before | peak | after (GC) | after - before | time |\n|---|---:|---:|---:|---:|---:|---:|");
  printChurn("bare SDK server (floor)", await churn(churnSessions, { floor: true }));
  printChurn("zoom-mcp, bearer auth", await churn(churnSessions, authed));
  console.log("");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const what = process.argv[2] ?? "all";
  const dist = process.env.BENCH_DIST;
  const token = process.env.BENCH_TOKEN;
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const base: RunOptions = { ...(dist ? { dist } : {}), auth, ...(token ? { config: { authTokens: token } } : {}) };
  if (what === "churn") {
    console.log("| build | sessions | RSS before | peak | after (GC) | after - before | time |\n|---|---:|---:|---:|---:|---:|---:|");
    printChurn(dist ?? "this build", await churn(Number(process.env.BENCH_SESSIONS ?? 10_000), base));
  } else if (what === "load") {
    console.log("| build | sessions x calls | errors | p50 | p99 | calls/s | RSS before | peak | after (GC) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    printLoad(dist ?? "this build", await load(Number(process.env.BENCH_SESSIONS ?? 100), Number(process.env.BENCH_CALLS ?? 100), base));
  } else {
    await httpBenches({ ...(dist ? { dist } : {}) });
  }
}
