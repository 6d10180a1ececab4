/**
 * Issue 11 §5: a seeded property fuzz over every tool with hostile arguments, through a real MCP
 * client against the real server and a fake Zoom that answers with a seeded mix of good and bad
 * answers. Tools and schemas come from tools/list (cross-checked with `zoom-mcp tools --json
 * --toolsets all`), never from the catalog's modules.
 *
 * CI runs FUZZ_CALLS (default 2,000) calls with FUZZ_SEED (default 20261201); `npm run fuzz` runs a long version.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { FakeZoom, type FakeResponse } from "./helpers/fake-zoom.js";
import { startHarness, type Harness } from "./helpers/harness.js";
import { minimalObject } from "./helpers/minimal-args.js";

const CALLS = Number(process.env.FUZZ_CALLS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CALL_TIMEOUT_MS = 2000;
/** Largest hostile string: path parameters are refused above 1 KB; body strings this long still go to Zoom. */
const HUGE_MAX = Number(process.env.FUZZ_HUGE_MAX ?? 1024 * 1024);
const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** A hostile value, kept small until used: huge strings are built only when their call runs. */
type Hostile = { huge: number } | { value: unknown };

const nasty = [
  "..", ".", "../", "../../etc/passwd", "%2e%2e", "%2E%2e/", "..%2f", "%2f..%2f", "a/../b", "/", "//", "/leading", "?q=1#frag", "%", "%zz", "%00",
  "a\r\nX-Injected: 1", "\r\n\r\nGET / HTTP/1.1", "\u0000", "\uD800", "\uDFFFx", "x\uD83D", "😀", "\u202Etxt", "null", "__proto__", "constructor", "{}", "[]", " ", "",
];
const hostileString: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...nasty).map((value) => ({ value })) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map((value) => ({ value })) },
  { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }).map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: HUGE_MAX }).map((huge) => ({ huge })) },
);
const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constant({ value: null }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(1e308), fc.constant(-0)).map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...nasty), { maxLength: 4 }).map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("__proto__", "constructor", "x", "a.b"), fc.constantFrom(...nasty), { maxKeys: 3 }).map((value) => ({ value })) },
);

interface Case {
  readonly tool: number;
  /** Replace the value of the n-th property (modulo the property count). */
  readonly mutations: ReadonlyArray<readonly [number, Hostile]>;
  /** Keys the schema does not have, `__proto__` among them, set as own properties. */
  readonly extras: ReadonlyArray<readonly [string, Hostile]>;
  /** A hostile value for one path parameter (the n-th of the template), the rest left valid. */
  readonly path?: readonly [number, Hostile];
  /** Send no arguments object at all. */
  readonly bare: boolean;
}

const caseArb = (tools: number): fc.Arbitrary<Case> =>
  fc.record({
    tool: fc.nat({ max: tools - 1 }),
    mutations: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 3 }) }),
    path: fc.option(fc.tuple(fc.nat(), hostileString), { nil: undefined, freq: 2 }),
    extras: fc.array(fc.tuple(fc.constantFrom("__proto__", "constructor", "prototype", "extra_field", "x\r\ny", "all_pages", "fields", "max_items"), hostileValue), { maxLength: 2 }),
    bare: fc.boolean(),
  }).map((c) => ({ ...c, bare: c.bare && c.mutations.length === 0 && c.extras.length === 0 && Math.abs(c.tool % 5) === 0 }));

function materialize(h: Hostile): unknown {
  return "huge" in h ? "9".repeat(h.huge) : h.value;
}

function argumentsFor(tool: Tool, c: Case, template: string): Record<string, unknown> | undefined {
  if (c.bare && !c.path) return undefined;
  const schema = tool.inputSchema as Record<string, unknown>;
  const args = minimalObject(schema);
  const keys = Object.keys((schema.properties ?? {}) as object);
  for (const [n, v] of c.mutations) if (keys.length) args[keys[n % keys.length]!] = materialize(v);
  const params = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  if (c.path && params.length) args[params[c.path[0] % params.length]!] = materialize(c.path[1]);
  for (const [k, v] of c.extras) Object.defineProperty(args, k, { value: materialize(v), enumerable: true, configurable: true, writable: true });
  return args;
}

/** A seeded mix of what Zoom may answer: mostly fine, sometimes broken. */
function answers(seed: number): (req: { method: string }) => FakeResponse {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return () => {
    const r = next();
    if (r < 0.7) return { status: 200, body: { id: 1, items: [{ a: 1 }], next_page_token: "" } };
    if (r < 0.75) return { status: 204 };
    if (r < 0.8) return { status: 404, body: { code: 3001, message: "not found" } };
    if (r < 0.84) return { status: 500, body: { code: 124, message: "Invalid access token." } };
    if (r < 0.88) return { raw: (res) => res.writeHead(200, { "content-type": "text/html" }).end("<html><body>maintenance</body></html>") };
    if (r < 0.91) return { raw: (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"cut": ') };
    if (r < 0.94) return { raw: (res) => { res.writeHead(200, { "content-type": "application/json", "content-length": "100" }); res.write("{"); setTimeout(() => res.destroy(), 5); } };
    if (r < 0.96) return { raw: (res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end("not gzip") };
    if (r < 0.98) return { drop: true };
    return { raw: (res) => res.writeHead(200, { "content-type": "application/json" }).end("[".repeat(5000) + "]".repeat(5000)) };
  };
}

/** `/users/{userId}/meetings` as a regex where each parameter is exactly one non-empty, non-dot segment. */
function templateRegex(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, "[^/?#]+");
  return new RegExp(`^${escaped}$`);
}

const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * The longest event-loop stall spent on the CPU: a 10 ms interval compares each gap between ticks with
 * the process CPU time used in it, so time spent waiting for a CPU on a loaded machine does not count.
 */
function cpuBoundStalls(): { stop(): number } {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gap = now - last - 10;
    if (gap > 0) worst = Math.max(worst, Math.min(gap, (cpu.user + cpu.system) / 1000));
    last = now;
    lastCpu = process.cpuUsage();
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return worst;
    },
  };
}

interface Figures {
  calls: number;
  crashes: number;
  internalErrors: number;
  otherProtocolErrors: number;
  errorResults: number;
  longestCallMs: number;
  longestStallMs: number;
  outsideTemplate: string[];
  requestsSent: number;
}

describe("fuzz: every tool, hostile arguments, a misbehaving Zoom", () => {
  let h: Harness;
  let tools: Tool[];
  let paths: Map<string, { method: string; path: string }>;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    const fake = await new FakeZoom().start();
    fake.on("GET", /.*/, answers(SEED));
    fake.on("POST", /.*/, answers(SEED + 1));
    fake.on("PATCH", /.*/, answers(SEED + 2));
    fake.on("PUT", /.*/, answers(SEED + 3));
    fake.on("DELETE", /.*/, answers(SEED + 4));
    h = await startHarness({ fake, config: { toolsets: "all", timeoutMs: "1000", callTimeoutMs: String(CALL_TIMEOUT_MS), maxResponseBytes: String(4 * 1024 * 1024) } });
    const listed = await h.client.listTools();
    // Only endpoint tools have a path; discovery tools are fuzzed through call_zoom_tool below.
    const cli = JSON.parse(execFileSync(process.execPath, [ENTRY, "tools", "--json", "--toolsets", "all"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })) as Array<{ name: string; method: string; path: string }>;
    paths = new Map(cli.map((t) => [t.name, { method: t.method, path: t.path }]));
    tools = listed.tools.filter((t) => paths.has(t.name));
    process.on("uncaughtException", onCrash);
    process.on("unhandledRejection", onCrash);
  });

  afterAll(async () => {
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
    await h?.close();
    await h?.fake.stop();
  });

  it(`lists all 373 tools, the same as zoom-mcp tools --json`, () => {
    expect(tools).toHaveLength(373);
    expect(new Set(tools.map((t) => t.name))).toEqual(new Set(paths.keys()));
  });

  it(`${CALLS} seeded calls (seed ${SEED}): no crash, no internal error, no lost session, every call within its deadline, no stall`, async () => {
    const cases = fc.sample(caseArb(tools.length), { seed: SEED, numRuns: CALLS });
    const f: Figures = { calls: 0, crashes: 0, internalErrors: 0, otherProtocolErrors: 0, errorResults: 0, longestCallMs: 0, longestStallMs: 0, outsideTemplate: [], requestsSent: 0 };
    // Each tool's validator is built on its first call; build them all before measuring stalls.
    for (const tool of tools) await h.client.callTool({ name: tool.name, arguments: minimalObject(tool.inputSchema as Record<string, unknown>) });
    h.fake.requests.length = 0;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const busy = cpuBoundStalls();
    let slowest = "";
    for (const c of cases) {
      const tool = tools[c.tool]!;
      const args = argumentsFor(tool, c, paths.get(tool.name)!.path);
      const before = h.fake.requests.length;
      const started = performance.now();
      try {
        // Every fourth call goes through the discovery tool, which routes to the same executor.
        const viaDiscovery = f.calls % 4 === 3;
        const result = (await h.client.callTool(
          viaDiscovery ? { name: "call_zoom_tool", arguments: { name: tool.name, ...(args ? { arguments: args } : {}) } } : { name: tool.name, ...(args ? { arguments: args } : {}) },
          undefined,
          { timeout: CALL_TIMEOUT_MS * 3 },
        )) as CallToolResult;
        if (result.isError) f.errorResults++;
      } catch (error) {
        if (error instanceof McpError && error.code === -32603) f.internalErrors++;
        else f.otherProtocolErrors++;
      }
      const took = performance.now() - started;
      if (process.env.FUZZ_DEBUG && took > 50) console.log("slow", tool.name, took.toFixed(0), JSON.stringify(c).slice(0, 300));
      if (took > f.longestCallMs) {
        f.longestCallMs = took;
        slowest = tool.name;
      }
      f.calls++;
      const template = paths.get(tool.name)!;
      const re = templateRegex(template.path);
      for (const req of h.fake.requests.slice(before)) {
        if (req.method !== template.method || !re.test(req.path) || DOT_SEGMENT.test(req.path)) f.outsideTemplate.push(`${tool.name}: ${req.method} ${req.path.slice(0, 120)}`);
      }
      f.requestsSent += h.fake.requests.length - before;
      h.fake.requests.length = 0;
    }
    loop.disable();
    f.longestStallMs = loop.max / 1e6;
    const cpuStall = busy.stop();
    f.crashes = crashes.length;
    // The session is still there and answers.
    await expect(h.client.ping()).resolves.toBeDefined();
    console.log(
      `fuzz: ${f.calls} calls (seed ${SEED}), ${f.crashes} crashes, ${f.internalErrors} internal errors, ${f.otherProtocolErrors} other protocol errors, ${f.errorResults} error results, ${f.requestsSent} requests reached the fake Zoom, ` +
        `longest call ${f.longestCallMs.toFixed(0)} ms (${slowest}), longest event-loop stall ${f.longestStallMs.toFixed(0)} ms (monitorEventLoopDelay; ${cpuStall.toFixed(0)} ms of it on the CPU, the rest waiting for one), ` +
        `${f.outsideTemplate.length} requests outside their template`,
    );
    expect(f.crashes).toBe(0);
    expect(f.internalErrors).toBe(0);
    expect(f.otherProtocolErrors).toBe(0);
    expect(f.outsideTemplate).toEqual([]);
    expect(f.longestCallMs).toBeLessThan(CALL_TIMEOUT_MS + 1000);
    // On a shared machine the process can wait for a CPU for longer than 100 ms, which monitorEventLoopDelay
    // counts too; what our code can cause is a stall spent on the CPU. Both are printed.
    expect(cpuStall).toBeLessThan(100);
    if (process.env.FUZZ_STRICT_STALL) expect(f.longestStallMs).toBeLessThan(100);
  }, Math.max(600_000, CALLS * 60));
});
