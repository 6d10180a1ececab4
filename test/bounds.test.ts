/**
 * Issue 11: bounded in time and size, every failure a result. Each block names the finding it
 * covers; each test failed on the code before the fix (a hang, a resent POST, a success for an
 * HTML page, a JSON-RPC -32603, a dead stdio session).
 */
import { spawn } from "node:child_process";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { envName } from "../src/config.js";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Headers and the first bytes of a JSON body, then nothing. */
const partialThenStall = { raw: (res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
  res.write('{"id": 1, "topic": "');
} };

describe("finding 1: the per-attempt timeout covers the body", () => {
  it("a body that stalls after its first bytes ends the call at ZOOM_TIMEOUT_MS, with a log line", async () => {
    h = await startHarness({ credentials: "static", config: { timeoutMs: "300", maxRetries: "0" } });
    h.fake.on("GET", "/meetings/1", partialThenStall);
    const started = Date.now();
    const result = await h.call("get_meeting", { meetingId: "1" });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not answer within 300 ms \(ZOOM_TIMEOUT_MS\): HTTP 200 headers arrived, the body stalled \(not retried: ZOOM_MAX_RETRIES is 0\)\./);
    expect(textOf(result)).toContain(`(not retried: ${envName("maxRetries")} is 0)`);
    expect(h.logs.find((l) => l.includes('"msg":"tool call"'))).toContain('"error":"timeout"');
  });

  it("a slow drip that never finishes is cut at the timeout too", async () => {
    h = await startHarness({ credentials: "static", config: { timeoutMs: "300", maxRetries: "0" } });
    let timer: NodeJS.Timeout | undefined;
    h.fake.on("GET", "/meetings/2", { raw: (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
      timer = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(timer));
    } });
    const result = await h.call("get_meeting", { meetingId: "2" });
    clearInterval(timer);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("the body stalled");
  });
});

describe("finding 6: one deadline per call", () => {
  it("a hanging GET ends at ZOOM_CALL_TIMEOUT_MS however many retries are left, saying a request reached Zoom", async () => {
    h = await startHarness({ credentials: "static", config: { callTimeoutMs: "600" } });
    h.fake.on("GET", "/meetings/3", { raw: () => undefined });
    const started = Date.now();
    const result = await h.call("get_meeting", { meetingId: "3" });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not finish within its 600 ms deadline \(ZOOM_CALL_TIMEOUT_MS\) after 1 attempt\(s\)\. A request had already reached Zoom/);
  });

  it("says no request reached Zoom when none could connect", async () => {
    const closed = await new FakeZoom().start();
    const apiBase = closed.apiBase;
    await closed.stop();
    h = await startHarness({ config: { apiBaseUrl: apiBase, callTimeoutMs: "1500", maxRetries: "10" } });
    h.fake.tokenResponder = () => ({ status: 200, body: { access_token: "t", expires_in: 3600 } });
    const result = await h.call("create_user_meeting", { userId: "me", topic: "x" });
    expect(result.isError).toBe(true);
    // Nothing was sent, so even a POST was tried again until the waits reached the deadline.
    expect(textOf(result)).toMatch(/ECONNREFUSED|deadline/);
    expect(textOf(result)).toMatch(/did not reach Zoom|No request reached Zoom/);
  });

  it("waits between attempts count against the deadline", async () => {
    h = await startHarness({ credentials: "static", config: { callTimeoutMs: "1000" } });
    h.fake.on("GET", "/meetings/4", { status: 429, headers: { "retry-after": "5" }, body: { code: 429, message: "slow down" } });
    const result = await h.call("get_meeting", { meetingId: "4" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Not retried: the call's 1000 ms deadline (ZOOM_CALL_TIMEOUT_MS) would pass first.");
    expect(h.waits).toEqual([]);
    expect(h.fake.requests).toHaveLength(1);
  });
});

describe("finding 7: a 5xx is never resent for POST or PATCH", () => {
  it("a 500 whose body says code 124 does not resend a POST, and says so truthfully", async () => {
    h = await startHarness();
    h.fake.on("POST", "/users/me/meetings", { status: 500, body: { code: 124, message: "Invalid access token." } }, { status: 201, body: { id: 1 } });
    const result = await h.call("create_user_meeting", { userId: "me", topic: "x" });
    expect(result.isError).toBe(true);
    expect(h.fake.requests).toHaveLength(1);
    expect(textOf(result)).toContain("Zoom returned HTTP 500, code 124");
    expect(textOf(result)).toContain("It was not retried");
    // Never retried whatever the cap, so the cap is not named.
    expect(textOf(result)).not.toContain(envName("maxRetries"));
  });

  it("a POST retried once with a fresh token, then answered 500, counts that retry but does not blame the cap", async () => {
    h = await startHarness();
    h.fake.on("POST", "/users/me/meetings", { status: 401, body: { code: 124, message: "Invalid access token." } }, { status: 500, body: { message: "oops" } });
    const text = textOf(await h.call("create_user_meeting", { userId: "me", topic: "x" }));
    expect(h.fake.requests).toHaveLength(2);
    expect(text).toContain("oops (after 1 retry)");
    expect(text).not.toContain(envName("maxRetries"));
  });

  it("a 500 with code 124 on a GET is retried as a server error, without refreshing the token", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/5", { status: 500, body: { code: 124, message: "x" } }, { status: 200, body: { id: 5 } });
    const result = await h.call("get_meeting", { meetingId: "5" });
    expect(textOf(result)).toBe('{"id":5}');
    expect(h.fake.tokenRequests).toHaveLength(1);
  });

  it("a GET that keeps failing says how many retries it took, and which setting capped them", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/6", { status: 503, body: { code: 503, message: "busy" } });
    const text = textOf(await h.call("get_meeting", { meetingId: "6" }));
    expect(h.fake.requests).toHaveLength(4);
    expect(text).toContain(`busy (after 3 retries; ${envName("maxRetries")} is 3)`);
  });
});

describe("finding 8: upstream bodies have a size limit", () => {
  const MiB = 1024 * 1024;
  it("a 100 MB streamed body is cut at ZOOM_MAX_RESPONSE_BYTES with a clear error", async () => {
    h = await startHarness({ config: { maxResponseBytes: String(2 * MiB), maxRetries: "0" } });
    const chunk = Buffer.alloc(MiB, 0x20);
    let sent = 0;
    h.fake.on("GET", "/meetings/7", { raw: (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const push = () => {
        while (sent < 100 && res.write(chunk)) sent++;
        if (sent < 100) res.once("drain", push);
        else res.end();
      };
      res.on("close", () => (sent = 100));
      push();
    } });
    const result = await h.call("get_meeting", { meetingId: "7" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`larger than the ${2 * MiB}-byte limit (ZOOM_MAX_RESPONSE_BYTES)`);
    expect(sent).toBeLessThan(100);
  });

  it("an announced Content-Length over the limit is refused before reading", async () => {
    h = await startHarness({ config: { maxResponseBytes: String(MiB) } });
    h.fake.on("GET", "/meetings/8", { raw: (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(100 * MiB) });
      res.write("[");
    } });
    const text = textOf(await h.call("get_meeting", { meetingId: "8" }));
    expect(text).toContain(`(${100 * MiB} bytes announced)`);
  });
});

describe("finding 9 and issue 8 §6: results by content type", () => {
  it("an HTML page with HTTP 200 is an error that shows its first bytes", async () => {
    h = await startHarness();
    const page = "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>We'll be back soon.</body></html>";
    h.fake.on("GET", "/meetings/9", { raw: (res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page) });
    const result = await h.call("get_meeting", { meetingId: "9" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Zoom answered HTTP 200 with an HTML page instead of JSON");
    expect(textOf(result)).toContain("Down for maintenance");
  });

  it("a cut-off JSON body with a JSON content type is an error, not text passed on as success", async () => {
    h = await startHarness();
    h.fake.on("PATCH", "/meetings/10/livestream", { raw: (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"id": 1, "top') });
    const result = await h.call("update_meeting_livestream", { meetingId: "10", stream_url: "rtmp://a/b", stream_key: "k" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not usable JSON \(invalid JSON/);
    expect(textOf(result)).toContain("The PATCH reached Zoom and may have been applied");
  });

  it("a 10 MB non-JSON body with a JSON content type becomes a short error, not a 10 MB message", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/11", { raw: (res) => res.writeHead(200, { "content-type": "application/json" }).end("x".repeat(10 * 1024 * 1024)) });
    const result = await h.call("get_meeting", { meetingId: "11" });
    expect(result.isError).toBe(true);
    expect(textOf(result).length).toBeLessThan(2000);
  });

  it("a PDF comes back as an embedded resource with its MIME type and exact bytes", async () => {
    h = await startHarness();
    const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from([0, 0xff, 0xfe, 0x80, 0x81]), Buffer.from("\n%%EOF")]);
    h.fake.on("GET", "/api/download/billing/invoices/inv-1", { raw: (res) => res.writeHead(200, { "content-type": "application/pdf", "content-disposition": 'attachment; filename="invoice-1.pdf"' }).end(pdf) });
    const result = await h.call("get_api_download_billing_invoice", { invoiceId: "inv-1" });
    expect(result.isError).toBeFalsy();
    const resource = result.content.find((c) => c.type === "resource") as Extract<CallToolResult["content"][number], { type: "resource" }>;
    expect(resource.resource.mimeType).toBe("application/pdf");
    expect(Buffer.from((resource.resource as { blob: string }).blob, "base64").equals(pdf)).toBe(true);
    expect(textOf(result)).toContain('application/pdf file "invoice-1.pdf" of');
  });

  it("a text attachment is a text resource, capped like JSON", async () => {
    h = await startHarness({ config: { maxResultTokens: "1000" } });
    h.fake.on("GET", "/api/download/billing/invoices/inv-2", { raw: (res) => res.writeHead(200, { "content-type": "text/csv", "content-disposition": "attachment" }).end("a,b\n".repeat(5000)) });
    const result = await h.call("get_api_download_billing_invoice", { invoiceId: "inv-2" });
    const resource = result.content.find((c) => c.type === "resource") as Extract<CallToolResult["content"][number], { type: "resource" }>;
    expect((resource.resource as { text: string }).text).toHaveLength(3800);
    expect(textOf(result)).toContain("kept the first 3800 of 20000 characters");
  });

  it("gzip answers are decoded; bad gzip is an error", async () => {
    h = await startHarness({ config: { maxRetries: "0" } });
    h.fake.on(
      "GET",
      "/meetings/12",
      { raw: (res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync('{"id":12}')) },
      { raw: (res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(Buffer.from("not gzip at all")) },
    );
    expect(textOf(await h.call("get_meeting", { meetingId: "12" }))).toBe('{"id":12}');
    const bad = await h.call("get_meeting", { meetingId: "12" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain("gzip answer could not be decompressed");
  });
});

describe("finding 5: failures are results, not JSON-RPC errors", () => {
  it("a lone surrogate in an ID is refused before any request", async () => {
    h = await startHarness();
    const result = await h.call("get_user", { userId: "12\uD800" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("path parameter userId is not valid Unicode");
    expect(h.fake.requests).toHaveLength(0);
  });

  it("upstream JSON nested 10,000 levels deep is an error result", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/13", { raw: (res) => res.writeHead(200, { "content-type": "application/json" }).end("[".repeat(10_000) + "]".repeat(10_000)) });
    const result = await h.call("get_meeting", { meetingId: "13" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("nested more than 256 levels deep");
  });

  it("a body cut off mid-way: a GET is retried; a POST is not, and says it reached Zoom", async () => {
    h = await startHarness();
    const cut = { raw: (res: import("node:http").ServerResponse) => {
      res.writeHead(201, { "content-type": "application/json", "content-length": "500" });
      res.write('{"id": 1,');
      setTimeout(() => res.destroy(), 10);
    } };
    h.fake.on("GET", "/meetings/14", cut, { status: 200, body: { id: 14 } });
    expect(textOf(await h.call("get_meeting", { meetingId: "14" }))).toBe('{"id":14}');
    expect(h.fake.requests).toHaveLength(2);

    h.fake.reset();
    h.fake.on("POST", "/users/me/meetings", cut);
    const result = await h.call("create_user_meeting", { userId: "me", topic: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("truncated body");
    expect(textOf(result)).toContain("Zoom had started answering (HTTP 201), so the POST reached Zoom and was probably applied");
    expect(h.fake.requests).toHaveLength(1);
  });
});

describe("finding 4: size bounds on messages and IDs", () => {
  it("a 4 MB path parameter is refused before any request, with a short message", async () => {
    h = await startHarness();
    const result = await h.call("get_user", { userId: "9".repeat(4 * 1024 * 1024) });
    expect(result.isError).toBe(true);
    // Argument validation (the default 1 KB limit on path IDs) or the URL builder's own guard, whichever comes first.
    expect(textOf(result)).toMatch(/the limit is 1024|<=1024 characters/);
    expect(textOf(result).length).toBeLessThan(1000);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("a stdio request over the message limit gets a JSON-RPC error and the session goes on", async () => {
    const fake = await new FakeZoom().start();
    fake.on("GET", "/meetings/15", { status: 200, body: { id: 15 } });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY, "--toolsets", "meetings"],
      env: { PATH: process.env.PATH ?? "", ZOOM_ACCESS_TOKEN: "t", ZOOM_API_BASE_URL: fake.apiBase, LOG_LEVEL: "warn" },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: "t", version: "1" });
    await client.connect(transport);
    try {
      // Over the SDK's 10 MiB ReadBuffer, which used to end the process with status 0 and no reply.
      await expect(client.callTool({ name: "get_meeting", arguments: { meetingId: "1", pad: "x".repeat(11 * 1024 * 1024) } })).rejects.toThrow(
        /larger than the 10485760 bytes zoom-mcp reads on stdio \(ZOOM_MCP_MAX_MESSAGE_BYTES\).*file_path/,
      );
      const after = await client.callTool({ name: "get_meeting", arguments: { meetingId: "15" } });
      expect(textOf(after as CallToolResult)).toBe('{"id":15}');
      expect(stderr).toContain("refused an oversized stdio message");
    } finally {
      await client.close();
      await fake.stop();
    }
  });

  it("the id of an oversized message is found at its start too", async () => {
    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? "", ZOOM_ACCESS_TOKEN: "t", ZOOM_MCP_MAX_MESSAGE_BYTES: "65536", LOG_LEVEL: "silent" }, stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const line = JSON.stringify({ jsonrpc: "2.0", id: "big-1", method: "tools/call", params: { name: "x", arguments: { pad: "y".repeat(100_000) } } });
    child.stdin.write(`${line}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" })}\n`);
    await new Promise<void>((resolve) => {
      const check = () => (out.split("\n").filter(Boolean).length >= 2 ? resolve() : setTimeout(check, 10));
      check();
    });
    child.kill();
    const [first, second] = out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: unknown; error?: { code: number; message: string }; result?: unknown });
    expect(first!.id).toBe("big-1");
    expect(first!.error!.code).toBe(-32600);
    expect(first!.error!.message).toContain("65536 bytes");
    expect(second).toEqual({ jsonrpc: "2.0", id: 2, result: {} });
  });
});
