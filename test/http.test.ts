/** Rate limits, server errors and cancellation, through a real MCP client. Waits are recorded, never slept. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configWarnings, envName, parseConfig } from "../src/config.js";
import { classifyRateLimit, parseRetryAfter } from "../src/http/rate-limit.js";
import { boundedFetch } from "../src/http/transport.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const LIVESTREAM = { meetingId: "123", stream_url: "rtmp://a/b", stream_key: "k" };
const QPS_429 = (retryAfter?: string) => ({
  status: 429,
  headers: { "x-ratelimit-type": "QPS", "x-ratelimit-category": "Light", ...(retryAfter ? { "retry-after": retryAfter } : {}) },
  body: { code: 429, message: "You have reached the maximum per-second rate limit for this API. Try again later." },
});

describe("rate limits and retries", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it("waits out a QPS 429 with Retry-After in seconds, then succeeds (even for a PATCH)", async () => {
    h.fake.on("PATCH", "/meetings/123/livestream", QPS_429("2"), { status: 204 });
    const result = await h.call("update_meeting_livestream", LIVESTREAM);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain("HTTP 204");
    expect(h.waits).toEqual([2000]);
    expect(h.fake.requests).toHaveLength(2);
  });

  it("waits out a QPS 429 whose Retry-After is a date", async () => {
    const at = new Date(h.clock.now + 3000).toUTCString();
    h.fake.on("GET", "/meetings/5", QPS_429(at), { status: 200, body: { id: 5 } });
    const result = await h.call("get_meeting", { meetingId: "5" });
    expect(textOf(result)).toBe('{"id":5}');
    expect(h.waits).toHaveLength(1);
    expect(h.waits[0]).toBeGreaterThan(1000);
    expect(h.waits[0]).toBeLessThanOrEqual(3000);
  });

  it("uses jittered exponential backoff when a 429 has no Retry-After, until the 50 s wait budget runs out", async () => {
    h.fake.on("GET", "/meetings/5", QPS_429());
    const result = await h.call("get_meeting", { meetingId: "5" });
    expect(result.isError).toBe(true);
    // Not a fixed number of attempts: as many as fit into the wait budget (ZOOM_RATE_LIMIT_WAIT_MS, 50 s). By default it
    // ends before the call's deadline (ZOOM_CALL_TIMEOUT_MS, 55 s), so the call fails with the budget's message, not a timeout.
    expect(textOf(result)).toMatch(/still exceeded after \d+ retries and \d+ s of waiting \(the wait budget, ZOOM_RATE_LIMIT_WAIT_MS, is 50 s\)\. Try again shortly, or slow down\.$/m);
    expect(textOf(result)).not.toContain("deadline");
    const backoffs = h.waits.filter((w) => w > 0);
    expect(backoffs.length).toBeGreaterThan(3);
    expect(h.fake.requests).toHaveLength(backoffs.length + 1);
    backoffs.forEach((w, i) => {
      const step = Math.min(8000, 500 * 2 ** i);
      expect(w).toBeGreaterThanOrEqual(step / 2);
      expect(w).toBeLessThanOrEqual(step);
    });
    const total = backoffs.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(50_000);
    expect(total).toBeGreaterThan(50_000 - 8000);
  });

  it("bounds 429 retries by ZOOM_RATE_LIMIT_WAIT_MS", async () => {
    await h.close();
    h = await startHarness({ config: { rateLimitWaitMs: "5000" } });
    h.fake.on("PATCH", "/meetings/123/livestream", QPS_429("2"));
    const result = await h.call("update_meeting_livestream", LIVESTREAM);
    expect(textOf(result)).toContain("the wait budget, ZOOM_RATE_LIMIT_WAIT_MS, is 5 s). Zoom asked to wait 2 s.");
    expect(h.fake.requests).toHaveLength(3);
  });

  it("names the fixed Retry-After cap, not ZOOM_RATE_LIMIT_WAIT_MS, when Zoom asks for a longer wait than zoom-mcp waits out", async () => {
    // Within the 50 s budget but over the 30 s cap: raising the budget would not help, so the message must not point at it.
    h.fake.on("GET", "/meetings/6", QPS_429("45"));
    const result = await h.call("get_meeting", { meetingId: "6" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("still exceeded after 0 retries and 0 s of waiting; Zoom asked to wait 45 s, longer than the 30 s zoom-mcp waits out. Try again after that wait.");
    expect(textOf(result)).not.toContain("ZOOM_RATE_LIMIT_WAIT_MS");
    expect(h.fake.requests).toHaveLength(1);
  });

  it("a wait budget shorter than the first backoff leaves a 503 unretried, as configWarnings says", async () => {
    await h.close();
    h = await startHarness({ config: { rateLimitWaitMs: "200" } });
    h.fake.on("GET", "/meetings/7", { status: 503, body: { message: "busy" } }, { status: 200, body: { id: 7 } });
    const result = await h.call("get_meeting", { meetingId: "7" });
    expect(result.isError).toBe(true);
    expect(h.fake.requests).toHaveLength(1);
    expect(configWarnings(parseConfig({ rateLimitWaitMs: "200" })).join("\n")).toContain("which leaves room for none");
  });

  it("fails a daily limit at once with the reset time and category", async () => {
    h.fake.on("POST", "/users/me/meetings", {
      status: 429,
      headers: { "x-ratelimit-type": "Daily-limit", "x-ratelimit-category": "Medium", "retry-after": "2030-05-31T00:00:00Z" },
      body: { code: 429, message: "You have exceeded the daily rate limit." },
    });
    const result = await h.call("create_meeting", { userId: "me", topic: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Medium daily rate limit is used up");
    expect(textOf(result)).toContain("2030-05-31T00:00:00.000Z");
    expect(h.fake.requests).toHaveLength(1);
    expect(h.waits).toEqual([]);
  });

  it("recognises the per-user meeting limit by its message alone, resetting at 00:00 UTC", async () => {
    h.fake.on("PATCH", "/meetings/9", {
      status: 429,
      body: { code: 429, message: "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00." },
    });
    const result = await h.call("update_meeting", { meetingId: "9", topic: "x" });
    expect(textOf(result)).toMatch(/daily rate limit is used up.*resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z/s);
    expect(h.fake.requests).toHaveLength(1);
  });

  it("never sends a POST twice after a 503", async () => {
    h.fake.on("POST", "/users/me/meetings", { status: 503, body: { code: 503, message: "Service unavailable" } });
    const result = await h.call("create_meeting", { userId: "me", topic: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("HTTP 503");
    expect(textOf(result)).toContain("may or may not have been applied");
    expect(h.fake.requests).toHaveLength(1);
  });

  it("never sends a PATCH twice after a dropped connection", async () => {
    h.fake.on("PATCH", "/meetings/123/livestream", { drop: true });
    const result = await h.call("update_meeting_livestream", LIVESTREAM);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("not retried automatically");
    expect(textOf(result)).not.toContain(envName("maxRetries"));
    expect(h.fake.requests).toHaveLength(1);
  });

  it("a GET whose connection keeps dropping names ZOOM_MAX_RETRIES once the retries run out", async () => {
    h.fake.on("GET", "/meetings/8", { drop: true });
    const result = await h.call("get_meeting", { meetingId: "8" });
    expect(result.isError).toBe(true);
    expect(h.fake.requests).toHaveLength(4);
    expect(textOf(result)).toMatch(new RegExp(`^The request to Zoom failed: .* \\(after 3 retries; ${envName("maxRetries")} is 3\\)\\.`, "m"));
  });

  it("retries a GET after a 503 and after a dropped connection", async () => {
    h.fake.on("GET", "/meetings/7", { status: 503, body: {} }, { drop: true }, { status: 200, body: { id: 7 } });
    const result = await h.call("get_meeting", { meetingId: "7" });
    expect(textOf(result)).toBe('{"id":7}');
    expect(h.fake.requests).toHaveLength(3);
    expect(h.waits).toHaveLength(2);
  });

  it("retries a DELETE after a 502", async () => {
    h.fake.on("DELETE", "/meetings/7", { status: 502 }, { status: 204 });
    const result = await h.call("delete_meeting", { meetingId: "7" });
    expect(result.isError).toBeFalsy();
    expect(h.fake.requests).toHaveLength(2);
  });

  it("reports a Zoom error with status, code, message, field errors and tracking id", async () => {
    h.fake.on("POST", "/meetings/1/registrants", {
      status: 400,
      headers: { "x-zm-trackingid": "v=2.0;clid=us06;rid=ABC" },
      body: { code: 300, message: "Validation Failed.", errors: [{ field: "email", message: "Invalid field." }] },
    });
    const result = await h.call("create_meeting_registrant", { meetingId: "1", email: "a@example.com", first_name: "A" });
    const text = textOf(result);
    expect(result.isError).toBe(true);
    expect(text).toContain("Zoom returned HTTP 400, code 300: Validation Failed.");
    expect(text).toContain("- email: Invalid field.");
    expect(text).toContain("Zoom tracking ID: v=2.0;clid=us06;rid=ABC");
  });

  it("names the scopes a tool needs when the token lacks them", async () => {
    h.fake.on("GET", "/meetings/1", { status: 400, body: { code: 4711, message: "Invalid access token, does not contain scopes:[meeting:read:admin]." } });
    const text = textOf(await h.call("get_meeting", { meetingId: "1" }));
    expect(text).toContain("meeting:read:meeting:admin");
  });

  it("aborts the HTTP request when the client cancels the call", async () => {
    h.fake.on("GET", "/meetings/8", { status: 200, body: {}, delayMs: 2000 });
    const controller = new AbortController();
    const pending = h.client.callTool({ name: "get_meeting", arguments: { meetingId: "8" } }, undefined, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort("user cancelled");
    await expect(pending).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.logs.join("")).toMatch(/"status":"aborted"/);
  });
});

describe("timeouts and progress", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("times out per ZOOM_TIMEOUT_MS: a GET is retried, a POST is not", async () => {
    h = await startHarness({ config: { timeoutMs: "100" } });
    h.fake.on("GET", "/meetings/3", { status: 200, body: {}, delayMs: 400 }, { status: 200, body: { id: 3 } });
    expect(textOf(await h.call("get_meeting", { meetingId: "3" }))).toBe('{"id":3}');
    expect(h.fake.requests).toHaveLength(2);

    h.fake.reset();
    h.fake.on("POST", "/users/me/meetings", { status: 201, body: {}, delayMs: 400 });
    const result = await h.call("create_meeting", { userId: "me", topic: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Zoom did not answer within 100 ms (ZOOM_TIMEOUT_MS): the request was sent, no answer came.");
    expect(textOf(result)).toContain("check whether it took effect");
    expect(h.fake.requests).toHaveLength(1);
  });

  it("reports a rate-limit wait as a progress notification", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/4", QPS_429("2"), { status: 200, body: { id: 4 } });
    const progress: Array<{ progress: number; message?: string }> = [];
    await h.client.callTool({ name: "get_meeting", arguments: { meetingId: "4" } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(progress).toEqual([{ progress: 1, message: "Zoom Light per-second rate limit reached; retrying in 2.0 s" }]);
  });
});

describe("Retry-After parsing", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  it.each([
    ["5", 5000],
    ["0.5", 500],
    ["Wed, 25 Nov 2026 12:00:10 GMT", 10_000],
    ["2026-11-25T12:01:00Z", 60_000],
    ["2026-11-25T11:00:00Z", 0],
    ["soon", undefined],
  ])("%s -> %s ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it("treats a missing X-RateLimit-Type as a per-second limit", () => {
    expect(classifyRateLimit(new Headers(), "Too many requests", now).kind).toBe("qps");
  });
});

describe("the per-attempt timeout over another fetch (the sandbox's)", () => {
  afterEach(() => vi.useRealTimers());

  /** A fetch that never answers, until its request is aborted. */
  const silent = ((request: Request) =>
    new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true }))) as typeof fetch;

  it.each([
    [false, "Zoom did not answer within 100 ms (ZOOM_TIMEOUT_MS)"],
    [true, "the call's deadline passed"],
  ])("deadline %s: %s", async (deadline, message) => {
    vi.useFakeTimers();
    const attempt = boundedFetch(silent)("http://127.0.0.1:1/v2/users/me", { attempt: { timeoutMs: 100, deadline, maxBodyBytes: 1024 } });
    const settled = expect(attempt).rejects.toMatchObject({ kind: "timeout", message, deadline });
    await vi.advanceTimersByTimeAsync(100);
    await settled;
  });
});
