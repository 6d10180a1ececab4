/** The built server, spawned as users run it: over stdio and over Streamable HTTP. */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { SECRET } from "./helpers/harness.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const LIVESTREAM = { meetingId: "123", stream_url: "rtmp://a/b", stream_key: "k" };

let fake: FakeZoom;
beforeAll(async () => {
  fake = await new FakeZoom().start();
  fake.on("PATCH", "/meetings/123/livestream", { status: 204 });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.requests.length = 0;
  fake.tokenRequests.length = 0;
});

function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    ZOOM_ACCOUNT_ID: "acct-1",
    ZOOM_CLIENT_ID: "client-1",
    ZOOM_CLIENT_SECRET: SECRET,
    ZOOM_API_BASE_URL: fake.apiBase,
    ZOOM_OAUTH_TOKEN_URL: fake.tokenUrl,
    LOG_LEVEL: "debug",
    ...extra,
  };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("stdio", () => {
  it("serves tools to an SDK client", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [ENTRY], env: serverEnv(), stderr: "pipe" });
    const client = new Client({ name: "stdio-test", version: "1.0.0" });
    await client.connect(transport);
    const { tools } = await client.listTools();
    // No flags: the default profile, with discovery.
    expect(tools.length).toBeLessThanOrEqual(30);
    expect(tools.map((t) => t.name)).toContain("call_zoom_tool");
    const result = (await client.callTool({ name: "update_meeting_livestream", arguments: LIVESTREAM })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["PATCH /meetings/123/livestream"]);
    await client.close();
  });

  it("writes nothing but JSON-RPC to stdout, and no secret to stderr", async () => {
    const child = spawn(process.execPath, [ENTRY], { env: serverEnv(), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const send = (msg: object) => child.stdin!.write(`${JSON.stringify(msg)}\n`);
    const waitFor = async (id: number) => {
      for (let i = 0; i < 800 && !stdout.split("\n").some((l) => l.includes(`"id":${id}`)); i++) await new Promise((r) => setTimeout(r, 25));
    };
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    await waitFor(1);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "update_meeting_livestream", arguments: LIVESTREAM } });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "update_meeting_livestream", arguments: { meetingId: "../x" } } });
    await waitFor(2);
    await waitFor(3);
    child.kill("SIGTERM");
    const exit = await exitOf(child);
    expect(exit.code).toBe(0);

    const lines = stdout.split("\n").filter(Boolean);
    expect(lines.length).toBe(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(stderr).toContain('"msg":"tool call"');
    expect(stderr).toMatch(/"tool":"update_meeting_livestream","method":"PATCH","path":"\/meetings\/\{meetingId\}\/livestream","status":204,"durationMs":\d+,"retries":0/);
    const tokenValue = "token-";
    expect(stderr).not.toContain(SECRET);
    expect(stderr).not.toContain(tokenValue);
    expect(stderr).not.toMatch(/Bearer|Basic [A-Za-z0-9+/=]{8,}/);
  });
});

describe("Streamable HTTP", () => {
  let child: ChildProcess;
  let base = "";
  let stderr = "";

  beforeAll(async () => {
    child = spawn(process.execPath, [ENTRY, "--transport", "http", "--port", "0"], { env: serverEnv({ ZOOM_MCP_MAX_BODY_BYTES: "65536" }), stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 800 && !base; i++) {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/mcp"/.exec(stderr);
      if (m) base = m[1]!;
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(base).not.toBe("");
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("serves GET /healthz", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", name: "zoom-mcp" });
  });

  it("serves tools to an SDK client at /mcp", async () => {
    const client = new Client({ name: "http-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
    const result = (await client.callTool({ name: "update_meeting_livestream", arguments: LIVESTREAM })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(fake.requests).toHaveLength(1);
    await client.close();
  });

  it("refuses a non-local Origin or Host with 403", async () => {
    const init = { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: "{}" };
    const origin = await fetch(`${base}/mcp`, { ...init, headers: { ...init.headers, origin: "https://evil.example" } });
    expect(origin.status).toBe(403);
    const host = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/healthz`, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(host).toBe(403);
  });

  it("caps request bodies", async () => {
    const res = await fetch(`${base}/mcp`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(70_000) }) });
    expect(res.status).toBe(413);
  });

  it("stops cleanly on SIGTERM", async () => {
    child.kill("SIGTERM");
    const exit = await exitOf(child);
    expect(exit.code).toBe(0);
    expect(stderr).not.toContain(SECRET);
  });
});


describe("the quick start: npm start", () => {
  it("serves HTTP on 127.0.0.1 from the sandbox when no credentials are set, and says so", async () => {
    const start = fileURLToPath(new URL("../scripts/start.mjs", import.meta.url));
    const child = spawn(process.execPath, [start, "--port", "0"], { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    let url = "";
    for (let i = 0; i < 800 && !url; i++) {
      url = /serving MCP \(Streamable HTTP\) at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr)?.[1] ?? "";
      if (!url) await new Promise((r) => setTimeout(r, 25));
    }
    expect(url).not.toBe("");
    expect(stderr).toContain("SANDBOX");
    expect(stderr).toContain("MCP Inspector");

    const client = new Client({ name: "quick-start", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect(client.getInstructions()).toMatch(/^SANDBOX:/);
    const users = (await client.callTool({ name: "list_users", arguments: { fields: "users.email" } })) as CallToolResult;
    expect(JSON.parse((users.content[0] as { text: string }).text).users.map((u: { email: string }) => u.email)).toContain("owner@sandbox.example");
    await client.close();
    child.kill("SIGTERM");
    expect((await exitOf(child)).code).toBe(0);
  });
});

describe("HTTP sessions", () => {
  it("keeps at most 100 sessions, closing the least recently used", async () => {
    const { serveHttp } = await import("../src/transports/http.js");
    const { createApp } = await import("../src/app.js");
    const { parseConfig } = await import("../src/config.js");
    const { silentLogger } = await import("../src/logger.js");
    const { catalog } = await import("./helpers/catalog.js");
    const app = await createApp(parseConfig({ sandbox: "1" }), catalog, silentLogger());
    const http = await serveHttp({ host: "127.0.0.1", port: 0, maxBodyBytes: 65536, newServer: app.newServer, logger: silentLogger() });
    const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "s", version: "1" } } };
    const ids: string[] = [];
    for (let i = 0; i < 101; i++) {
      const res = await fetch(http.url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify(initialize) });
      ids.push(res.headers.get("mcp-session-id")!);
      await res.text();
    }
    const health = (await (await fetch(http.url.replace("/mcp", "/healthz"))).json()) as { sessions: number };
    expect(health.sessions).toBe(100);
    const oldest = await fetch(http.url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": ids[0]! }, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }) });
    expect(oldest.status).toBe(404);
    await http.close();
  });
});
