/**
 * Sessions that scale and don't hurt each other, graceful shutdown, MCP logging, and the MCP
 * conformance suite against the built server in HTTP mode.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { LoggingMessageNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeZoom, type FakeResponse } from "./helpers/fake-zoom.js";
import { SECRET, startHarness } from "./helpers/harness.js";
import { INITIALIZE, post, startHttp, textOf, TOKEN_A, TOKEN_B, type InProcessHttp } from "./helpers/http-server.js";
import { exitOf, waitForOutput } from "./helpers/spawned.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const CONFORMANCE = fileURLToPath(new URL("../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url));
const TOKEN_C = "carol-token-0123456789abcdef";
const TOKENS = `${TOKEN_A} name=alice; ${TOKEN_B} name=bob; ${TOKEN_C} name=carol`;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** A Zoom answer the test releases when it wants; `reached` resolves when the request arrives. */
class Gate {
  private release!: () => void;
  private readonly opened = new Promise<void>((r) => (this.release = r));
  private arrived!: () => void;
  readonly reached = new Promise<void>((r) => (this.arrived = r));
  responder = async (): Promise<FakeResponse> => {
    this.arrived();
    await this.opened;
    return { status: 200, body: { id: "slow", email: "slow@example.com" } };
  };
  open(): void {
    this.release();
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let fake: FakeZoom;
beforeAll(async () => {
  fake = await new FakeZoom({ permissive: true }).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/** Raw session helpers: open with initialize, then JSON-RPC posts carrying the session id. */
async function open(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await post(url, INITIALIZE, headers);
  expect(res.status).toBe(200);
  const id = res.headers.get("mcp-session-id")!;
  await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, { ...headers, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" });
  return id;
}
const inSession = (url: string, id: string, headers: Record<string, string>, body: unknown) => post(url, body, { ...headers, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" });
const listTools = (url: string, id: string, headers: Record<string, string> = {}) => inSession(url, id, headers, { jsonrpc: "2.0", id: 9, method: "tools/list" });
const callGetUser = (url: string, id: string, headers: Record<string, string> = {}, userId = "slow") =>
  inSession(url, id, headers, { jsonrpc: "2.0", id: 10, method: "tools/call", params: { name: "get_user", arguments: { userId } } });

describe("stateful sessions", () => {
  let srv: InProcessHttp;
  afterEach(() => srv?.stop());

  it("eviction never closes a session with a call in flight, and only evicts the same client's sessions", async () => {
    srv = await startHttp(fake, { authTokens: TOKENS, toolsets: "users", maxSessionsPerClient: "2", maxSessions: "3" });
    const gate = new Gate();
    fake.on("GET", "/users/slow", gate.responder);
    const a1 = await open(srv.url, bearer(TOKEN_A));
    const slow = callGetUser(srv.url, a1, bearer(TOKEN_A));
    await gate.reached;
    const a2 = await open(srv.url, bearer(TOKEN_A));
    const a3 = await open(srv.url, bearer(TOKEN_A)); // alice is at her cap: her idle a2 goes, busy a1 stays
    expect((await listTools(srv.url, a2, bearer(TOKEN_A))).status).toBe(404);
    expect((await listTools(srv.url, a1, bearer(TOKEN_A))).status).toBe(200);

    const b1 = await open(srv.url, bearer(TOKEN_B)); // global cap 3 reached: a1, a3, b1
    const carol = await post(srv.url, INITIALIZE, bearer(TOKEN_C));
    expect(carol.status).toBe(503); // carol has nothing of her own to evict, and may not evict others'
    const b2 = await open(srv.url, bearer(TOKEN_B)); // bob makes room from his own idle session
    expect((await listTools(srv.url, b1, bearer(TOKEN_B))).status).toBe(404);
    expect((await listTools(srv.url, b2, bearer(TOKEN_B))).status).toBe(200);
    expect((await listTools(srv.url, a3, bearer(TOKEN_A))).status).toBe(200);

    // Both of alice's sessions busy: a new one is refused rather than cutting a call off.
    const slow2 = callGetUser(srv.url, a3, bearer(TOKEN_A));
    await until(() => fake.requests.length === 2, "the second slow call");
    const refused = await post(srv.url, INITIALIZE, bearer(TOKEN_A));
    expect(refused.status).toBe(429);
    expect(refused.message.error.message).toMatch(/call in flight/);

    gate.open();
    for (const pending of [slow, slow2]) {
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.message.result.isError).toBeFalsy();
      expect(textOf(answer.message.result)).toContain("slow@example.com");
    }
  });

  it("expires idle sessions (404, so clients re-initialize), but not one with a call in flight", async () => {
    const clock = { now: 1_000_000 };
    srv = await startHttp(fake, { toolsets: "users", sessionIdleMs: "60000" }, { now: () => clock.now });
    const idle = await open(srv.url);
    const busy = await open(srv.url);
    const gate = new Gate();
    fake.on("GET", "/users/slow", gate.responder);
    const slow = callGetUser(srv.url, busy);
    await gate.reached;
    clock.now += 60_001;
    const expired = await listTools(srv.url, idle);
    expect(expired.status).toBe(404);
    expect(expired.message.error.message).toMatch(/initialize/);
    expect((await listTools(srv.url, busy)).status).toBe(200);
    gate.open();
    expect((await slow).message.result.isError).toBeFalsy();

    // Sessions whose clients never send DELETE are swept.
    for (let i = 0; i < 5; i++) await open(srv.url);
    expect(srv.http.sessionCount).toBe(6);
    clock.now += 60_001;
    await open(srv.url);
    expect(srv.http.sessionCount).toBe(1);
  });

  it("DELETE closes a session and frees its place", async () => {
    srv = await startHttp(fake, { toolsets: "users" });
    const ids = await Promise.all(Array.from({ length: 20 }, () => open(srv.url)));
    expect(srv.http.sessionCount).toBe(20);
    for (const id of ids) {
      const res = await fetch(srv.url, { method: "DELETE", headers: { "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" } });
      expect(res.status).toBe(200);
    }
    expect(srv.http.sessionCount).toBe(0);
    const health = (await (await fetch(srv.url.replace("/mcp", "/healthz"))).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", mode: "stateful", sessions: 0, inFlightCalls: 0 });
  });

  it("/healthz takes extra fields from a health function", async () => {
    srv = await startHttp(fake, {}, { health: () => ({ redis: "up" }) });
    expect(await (await fetch(srv.url.replace("/mcp", "/healthz"))).json()).toMatchObject({ status: "ok", redis: "up" });
  });
});

describe("--stateless", () => {
  it("two replicas behind a plain round-robin proxy serve one client, without sticky sessions", async () => {
    const replicas = [await startHttp(fake, { stateless: "1", toolsets: "users" }), await startHttp(fake, { stateless: "1", toolsets: "users" })];
    const served = [0, 0];
    let turn = 0;
    const proxy: Server = createServer((req, res) => {
      const i = turn++ % 2;
      served[i]!++;
      const target = new URL(replicas[i]!.url);
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on("error", () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`;

    const client = new Client({ name: "stateless", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("get_user");
    for (let i = 0; i < 6; i++) {
      const result = (await client.callTool({ name: "get_user", arguments: { userId: `u${i}` } })) as CallToolResult;
      expect(result.isError).toBeFalsy();
    }
    expect(fake.requests.map((r) => r.path)).toEqual(Array.from({ length: 6 }, (_, i) => `/users/u${i}`));
    expect(served[0]).toBeGreaterThan(2);
    expect(served[1]).toBeGreaterThan(2);
    for (const r of replicas) expect(r.http.sessionCount).toBe(0);
    // No sessions to stream from or delete.
    expect((await fetch(replicas[0]!.url, { headers: { accept: "text/event-stream" } })).status).toBe(405);
    await client.close();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    for (const r of replicas) await r.stop();
  });

  it("reads the X-MCP-* headers on every request", async () => {
    const srv = await startHttp(fake, { stateless: "1", toolsets: "users" });
    const list = await post(srv.url, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { "x-mcp-readonly": "1", "mcp-protocol-version": "2025-06-18" });
    const names = (list.message.result.tools as Array<{ name: string }>).map((t) => t.name);
    expect(names).toContain("get_user");
    expect(names).not.toContain("create_user");
    await srv.stop();
  });
});

describe("graceful shutdown", () => {
  it("stops taking sessions and calls, and lets a running call finish", async () => {
    const srv = await startHttp(fake, { toolsets: "users", drainTimeoutMs: "20000" });
    const gate = new Gate();
    fake.on("GET", "/users/slow", gate.responder);
    const id = await open(srv.url);
    const slow = callGetUser(srv.url, id);
    await gate.reached;
    const stopping = srv.http.shutdown("test");
    expect((await post(srv.url, INITIALIZE)).status).toBe(503);
    expect((await callGetUser(srv.url, id, {}, "other")).status).toBe(503);
    const health = await fetch(srv.url.replace("/mcp", "/healthz"));
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "draining", inFlightCalls: 1 });
    gate.open();
    const answer = await slow;
    expect(answer.message.result.isError).toBeFalsy();
    expect(await stopping).toEqual({ finished: 1, stopped: 0 });
    expect(fake.requests.map((r) => r.path)).toEqual(["/users/slow"]);
  });

  it("after the drain timeout, answers a call already sent to Zoom with an error that says so", async () => {
    const srv = await startHttp(fake, { toolsets: "users", drainTimeoutMs: "50" });
    const gate = new Gate();
    fake.on("GET", "/users/slow", gate.responder);
    const id = await open(srv.url);
    const slow = callGetUser(srv.url, id);
    await gate.reached;
    expect(await srv.http.shutdown("test")).toEqual({ finished: 0, stopped: 1 });
    const answer = await slow;
    expect(answer.message.result.isError).toBe(true);
    expect(textOf(answer.message.result)).toMatch(/had already been sent to Zoom, so it may have taken effect/);
    gate.open();
  });

  it("says when a stopped call had not reached Zoom yet", async () => {
    const slowToken = await new FakeZoom({ permissive: true }).start();
    let tokenAsked!: () => void;
    const asked = new Promise<void>((r) => (tokenAsked = r));
    slowToken.tokenResponder = () => {
      tokenAsked();
      return { status: 200, body: { access_token: "t", expires_in: 3599 }, delayMs: 3000 };
    };
    const srv = await startHttp(slowToken, { toolsets: "users", drainTimeoutMs: "50" });
    const id = await open(srv.url);
    const pending = callGetUser(srv.url, id);
    await asked;
    expect(await srv.http.shutdown("test")).toEqual({ finished: 0, stopped: 1 });
    const answer = await pending;
    expect(textOf(answer.message.result)).toMatch(/had not been sent to Zoom yet, so nothing changed; it is safe to call again/);
    expect(slowToken.requests).toHaveLength(0);
    await slowToken.stop();
  });

  const spawnServer = (args: string[]) =>
    spawn(process.execPath, [ENTRY, ...args], {
      env: { PATH: process.env.PATH ?? "", ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "c", ZOOM_CLIENT_SECRET: SECRET, ZOOM_API_BASE_URL: fake.apiBase, ZOOM_OAUTH_TOKEN_URL: fake.tokenUrl, LOG_LEVEL: "info" },
      stdio: ["pipe", "pipe", "pipe"],
    });

  it("on SIGTERM the CLI answers the in-flight HTTP call, then exits 0", async () => {
    const gate = new Gate();
    fake.on("GET", "/users/slow", gate.responder);
    const child = spawnServer(["--transport", "http", "--port", "0", "--toolsets", "users", "--drain-timeout-ms", "100"]);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await until(() => /"url":"http:\/\/127\.0\.0\.1:\d+\/mcp"/.test(stderr), "the server to listen");
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/mcp)"/.exec(stderr)![1]!;
    const id = await open(url);
    const slow = callGetUser(url, id);
    await gate.reached;
    const exited = exitOf(child);
    child.kill("SIGTERM");
    const answer = await slow;
    expect(textOf(answer.message.result)).toMatch(/shut down before this call finished/);
    expect((await exited).code).toBe(0);
    expect(stderr).not.toContain(SECRET);
    gate.open();
  });

  it("drains on a SIGTERM sent the moment the banner says it is serving, without being killed by it", async () => {
    // The banner is the ready signal: a supervisor may stop the server as soon as it reads it. The window
    // this guards was a few microseconds wide, so five servers race it at once.
    const runs = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const child = spawn(process.execPath, [ENTRY, "--transport", "http", "--port", "0", "--sandbox"], { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info" }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = exitOf(child);
        await waitForOutput(child, "stderr", /serving MCP \(Streamable HTTP\) at \S+\/mcp\n/);
        child.kill("SIGTERM");
        return { ...(await exited), stderr };
      }),
    );
    for (const run of runs) {
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
      expect(run.stderr).toMatch(/"reason":"SIGTERM".*"msg":"draining: no new sessions or calls"/);
    }
  });

  it("on stdin EOF the stdio server lets the running call finish and answers it", async () => {
    const gate = new Gate();
    fake.on("GET", "/users/slow", gate.responder);
    const child = spawnServer(["--toolsets", "users"]);
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    const send = (msg: object) => child.stdin!.write(`${JSON.stringify(msg)}\n`);
    send(INITIALIZE);
    await until(() => stdout.includes('"id":1'), "initialize");
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_user", arguments: { userId: "slow" } } });
    await gate.reached;
    const exited = exitOf(child);
    child.stdin!.end();
    await new Promise((r) => setTimeout(r, 50));
    expect(child.exitCode).toBeNull(); // still draining
    gate.open();
    expect((await exited).code).toBe(0);
    const answer = stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l)).find((m) => m.id === 2);
    expect(answer.result.isError).toBeFalsy();
    expect(answer.result.content[0].text).toContain("slow@example.com");
  });
});

describe("MCP logging", () => {
  it("declares logging, honours logging/setLevel, and tells the user about retries and token refreshes", async () => {
    const h = await startHarness({ fakeOptions: { permissive: true } });
    expect(h.client.getServerCapabilities()?.logging).toBeDefined();
    const messages: Array<{ level: string; data: unknown }> = [];
    h.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void messages.push(n.params));
    h.fake.on("GET", "/users/me", { status: 429, headers: { "retry-after": "1" }, body: { code: 429, message: "Too many requests." } }, { status: 401, body: { code: 124, message: "Invalid access token." } }, { status: 200, body: { id: "me" } });
    await h.client.setLoggingLevel("info");
    const result = await h.call("get_user", { userId: "me" });
    expect(result.isError).toBeFalsy();
    const texts = messages.map((m) => `${m.level}: ${String(m.data)}`);
    expect(texts).toEqual(
      expect.arrayContaining([expect.stringMatching(/^info: get_user: Zoom per-second rate limit reached; retrying in 1\.0 s/), expect.stringMatching(/^notice: Zoom rejected the access token/), expect.stringMatching(/^info: Obtained a fresh Zoom access token/)]),
    );
    const all = JSON.stringify(messages);
    expect(all).not.toContain(SECRET);
    expect(all).not.toMatch(/token-\d/);

    messages.length = 0;
    h.fake.on("GET", "/users/me2", { status: 429, headers: { "retry-after": "1" }, body: { code: 429, message: "Too many requests." } }, { status: 200, body: { id: "me" } });
    await h.client.setLoggingLevel("warning");
    await h.call("get_user", { userId: "me2" });
    expect(messages).toEqual([]);
    await h.close();
  });

  it("tells a sandbox session that it talks to the sandbox", async () => {
    const h = await startHarness({ sandbox: true });
    const messages: Array<{ level: string; data: unknown }> = [];
    h.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void messages.push(n.params));
    await h.call("list_users", {});
    await h.call("list_users", {});
    expect(messages.filter((m) => String(m.data).startsWith("SANDBOX"))).toHaveLength(1);
    await h.close();
  });
});

describe("MCP conformance suite (HTTP mode)", () => {
  const SCENARIOS = ["server-initialize", "ping", "tools-list", "logging-set-level", "dns-rebinding-protection", "server-sse-multiple-streams", "tools-call-error"];
  let child: ChildProcess;
  let url = "";
  beforeAll(async () => {
    child = spawn(process.execPath, [ENTRY, "--transport", "http", "--port", "0", "--sandbox"], { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await until(() => /"url":"http:\/\/127\.0\.0\.1:\d+\/mcp"/.test(stderr), "the server to listen");
    url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/mcp)"/.exec(stderr)![1]!;
  });
  afterAll(() => {
    child.kill("SIGKILL");
  });

  it("passes every applicable scenario", async () => {
    const run = (scenario: string) =>
      new Promise<{ scenario: string; code: number | null; out: string }>((resolve) => {
        const c = spawn(process.execPath, [CONFORMANCE, "server", "--url", url, "--scenario", scenario], { env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        c.stdout!.on("data", (d: Buffer) => (out += d.toString()));
        c.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        c.once("exit", (code) => resolve({ scenario, code, out }));
      });
    const results = await Promise.all(SCENARIOS.map(run));
    for (const r of results) {
      // eslint-disable-next-line no-control-regex
      const plain = r.out.replace(/\x1b\[[0-9;]*m/g, "");
      expect(plain, r.scenario).toMatch(/Passed: (\d+)\/\1, 0 failed/);
      expect(r.code, `${r.scenario}\n${plain}`).toBe(0);
    }
  }, 60_000);
});
