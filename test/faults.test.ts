/**
 * Issue 11 §5: fault injection against the fake Zoom. Every fault, for every kind of method, ends
 * as a tool result within the call's deadline; a POST or PATCH is never sent twice once it may have
 * reached Zoom; no result is larger than the size cap. Prints the figures for the closing note.
 */
import type { ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { FakeResponse } from "./helpers/fake-zoom.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const MiB = 1024 * 1024;
const CALL_TIMEOUT_MS = 4000;
const MAX_RESULT_CHARS = 20_000 * 4;

function stream(res: ServerResponse, bytes: number, chunk: Buffer, headers: Record<string, string>) {
  res.writeHead(200, headers);
  let sent = 0;
  let closed = false;
  res.on("close", () => (closed = true));
  const push = () => {
    while (!closed && sent < bytes && res.write(chunk)) sent += chunk.length;
    if (closed) return;
    if (sent < bytes) res.once("drain", push);
    else res.end();
  };
  push();
}

const faults: Record<string, { answer: () => FakeResponse; ok?: boolean }> = {
  "reset after request": { answer: () => ({ drop: true }) },
  "partial body then stall": { answer: () => ({ raw: (res) => { res.writeHead(200, { "content-type": "application/json", "content-length": "999" }); res.write('{"a":'); } }) },
  "slow drip": {
    answer: () => ({ raw: (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const t = setInterval(() => res.write(" "), 25);
      res.on("close", () => clearInterval(t));
    } }),
  },
  "reset mid-body": { answer: () => ({ raw: (res) => { res.writeHead(200, { "content-type": "application/json", "content-length": "999" }); res.write('{"a":'); setTimeout(() => res.destroy(), 5); } }) },
  "5xx with code 124": { answer: () => ({ status: 500, body: { code: 124, message: "Invalid access token." } }) },
  "10 MB JSON body": {
    ok: true,
    answer: () => ({ raw: (res) => {
      const item = JSON.stringify({ id: 123456789, topic: "x".repeat(200), start_time: "2026-01-01T00:00:00Z" });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"page_size":300,"meetings":[${Array(Math.ceil((10 * MiB) / item.length)).fill(item).join(",")}]}`);
    } }),
  },
  "100 MB body": { answer: () => ({ raw: (res) => stream(res, 100 * MiB, Buffer.alloc(MiB, 0x20), { "content-type": "application/json" }) }) },
  "deep nesting": { answer: () => ({ raw: (res) => res.writeHead(200, { "content-type": "application/json" }).end("[".repeat(100_000) + "]".repeat(100_000)) }) },
  "HTML page": { answer: () => ({ raw: (res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>503 Service Temporarily Unavailable</title>") }) },
  "bad gzip": { answer: () => ({ raw: (res) => res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])) }) },
};

const methods = {
  GET: { tool: "get_meeting", path: (id: string) => `/meetings/${id}`, args: (id: string) => ({ meetingId: id }) },
  POST: { tool: "create_user_meeting", path: (id: string) => `/users/u${id}/meetings`, args: (id: string) => ({ userId: `u${id}`, topic: "t" }) },
  PATCH: { tool: "update_meeting_livestream", path: (id: string) => `/meetings/${id}/livestream`, args: (id: string) => ({ meetingId: id, stream_url: "rtmp://a/b", stream_key: "k" }) },
  DELETE: { tool: "delete_meeting", path: (id: string) => `/meetings/${id}`, args: (id: string) => ({ meetingId: id }) },
} as const;

describe("fault injection: every fault, every kind of method", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ credentials: "static", config: { timeoutMs: "1000", callTimeoutMs: String(CALL_TIMEOUT_MS), maxResponseBytes: String(16 * MiB) } });
  });
  afterAll(() => h.close());

  it("ends every case as a result within its deadline, never resending a write that may have reached Zoom", async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let n = 1000;
    const cases = Object.entries(faults).flatMap(([fault, spec]) =>
      Object.entries(methods).map(([method, m]) => {
        const id = String(n++);
        h.fake.on(method, m.path(id), spec.answer);
        return { fault, method, m, id, ok: spec.ok === true };
      }),
    );
    loop.enable();
    const outcomes = await Promise.all(
      cases.map(async (c) => {
        const started = performance.now();
        let result: CallToolResult | undefined;
        let thrown: unknown;
        try {
          result = (await h.call(c.m.tool, c.m.args(c.id))) as CallToolResult;
        } catch (error) {
          thrown = error;
        }
        return { ...c, result, thrown, ms: performance.now() - started, sent: h.fake.requests.filter((r) => r.method === c.method && r.path === c.m.path(c.id)).length };
      }),
    );
    loop.disable();
    const problems: string[] = [];
    for (const o of outcomes) {
      const label = `${o.fault} / ${o.method}`;
      if (o.thrown) problems.push(`${label}: threw ${String(o.thrown)}`);
      else if (!o.result) problems.push(`${label}: no result`);
      else {
        const text = textOf(o.result);
        if (!o.ok && !o.result.isError) problems.push(`${label}: reported success: ${text.slice(0, 120)}`);
        if (!text.trim()) problems.push(`${label}: empty message`);
        if (text.length > MAX_RESULT_CHARS + 2000) problems.push(`${label}: ${text.length} characters`);
      }
      if (o.ms > CALL_TIMEOUT_MS + 1000) problems.push(`${label}: took ${o.ms.toFixed(0)} ms`);
      if ((o.method === "POST" || o.method === "PATCH") && o.sent > 1) problems.push(`${label}: sent ${o.sent} times`);
    }
    const longest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(
      `faults: ${outcomes.length} cases (${Object.keys(faults).length} faults x ${Object.keys(methods).length} methods), ${problems.length} problems, ` +
        `longest call ${longest.ms.toFixed(0)} ms (${longest.fault} / ${longest.method}), longest event-loop stall ${(loop.max / 1e6).toFixed(0)} ms`,
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
