import type { ServerResponse } from "node:http";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ServerToServerTokenProvider } from "../src/auth/server-to-server.js";
import { envName } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { FakeZoom, type FakeResponse } from "./helpers/fake-zoom.js";
import { SECRET, startHarness, textOf, type Harness } from "./helpers/harness.js";

const MiB = 1024 * 1024;
const LIVESTREAM = { meetingId: "123", stream_url: "rtmp://a/b", stream_key: "k" };

describe("Server-to-Server OAuth", () => {
  let h: Harness;
  afterEach(() => h?.close());

  it("asks for a token with Basic auth and a form body, then reuses it", async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
    await h.call("get_meeting", { meetingId: "1" });
    await h.call("get_meeting", { meetingId: "2" });
    expect(h.fake.tokenRequests).toHaveLength(1);
    const tokenRequest = h.fake.tokenRequests[0]!;
    expect(tokenRequest.method).toBe("POST");
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from(`client-1:${SECRET}`).toString("base64")}`);
    expect(tokenRequest.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.rawBody))).toEqual({ grant_type: "account_credentials", account_id: "acct-1" });
    expect(tokenRequest.query).toEqual({});
    expect(h.fake.requests.map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-1"]);
  });

  it("shares one token request between concurrent calls", async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
    const original = h.fake.tokenResponder;
    h.fake.tokenResponder = (req) => ({ ...original(req), delayMs: 30 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => h.call("get_meeting", { meetingId: String(i + 1) })));
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(h.fake.tokenRequests).toHaveLength(1);
    expect(h.fake.requests).toHaveLength(8);
  });

  it("on a 401 with code 124 fetches exactly one fresh token and retries once", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/1", { status: 401, body: { code: 124, message: "Invalid access token." } }, { status: 200, body: { id: 1 } });
    const result = await h.call("get_meeting", { meetingId: "1" });
    expect(textOf(result)).toBe('{"id":1}');
    expect(h.fake.tokenRequests).toHaveLength(2);
    expect(h.fake.requests.map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  it("gives up after one refresh when Zoom keeps answering 401", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/1", { status: 401, body: { code: 124, message: "Invalid access token." } });
    const result = await h.call("get_meeting", { meetingId: "1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("HTTP 401, code 124");
    expect(h.fake.tokenRequests).toHaveLength(2);
    expect(h.fake.requests).toHaveLength(2);
  });

  it("turns rejected credentials into a clear error without the secret, and sends nothing to the API", async () => {
    h = await startHarness();
    h.fake.tokenResponder = () => ({ status: 400, body: { reason: "Invalid client_id or client_secret", error: "invalid_client" } });
    const result = await h.call("update_meeting_livestream", LIVESTREAM);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Zoom rejected the client credentials (invalid_client): Invalid client_id or client_secret");
    expect(textOf(result)).toContain("ZOOM_CLIENT_SECRET");
    expect(textOf(result)).not.toContain(SECRET);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("uses the token's api_url when no base URL was configured", async () => {
    const fake = await new FakeZoom({ permissive: true }).start();
    fake.tokenResponder = () => ({ status: 200, body: { access_token: "t", expires_in: 3599, api_url: fake.url } });
    h = await startHarness({ fake, config: { apiBaseUrl: "" } });
    await h.call("get_meeting", { meetingId: "9" });
    expect(fake.requests.map((r) => r.path)).toEqual(["/meetings/9"]);
    await fake.stop();
  });

  it("explains missing credentials by naming the variables to set", async () => {
    h = await startHarness({ credentials: "none" });
    const result = await h.call("get_meeting", { meetingId: "1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/ZOOM_ACCOUNT_ID.*ZOOM_CLIENT_ID.*ZOOM_CLIENT_SECRET/);
    expect(textOf(result)).toContain("ZOOM_ACCESS_TOKEN");
    expect(h.fake.requests).toHaveLength(0);
  });

  it("sends a static ZOOM_ACCESS_TOKEN as is and never asks for one", async () => {
    h = await startHarness({ credentials: "static", fakeOptions: { permissive: true } });
    await h.call("get_meeting", { meetingId: "1" });
    expect(h.fake.tokenRequests).toHaveLength(0);
    expect(h.fake.requests[0]!.headers.authorization).toBe("Bearer static-token-value");
  });
});

describe("token cache timing", () => {
  it("refreshes a minute before expires_in runs out", async () => {
    const fake = await new FakeZoom().start();
    let now = 1_000_000;
    const provider = new ServerToServerTokenProvider({
      accountId: "a", clientId: "c", clientSecret: "s", tokenUrl: fake.tokenUrl, timeoutMs: 5000, logger: silentLogger(), now: () => now,
    });
    expect((await provider.getToken()).accessToken).toBe("token-1");
    now += (3599 - 61) * 1000;
    expect((await provider.getToken()).accessToken).toBe("token-1");
    now += 2000;
    expect((await provider.getToken()).accessToken).toBe("token-2");
    await fake.stop();
  });
});

describe("token hygiene (issue 11 §4)", () => {
  let h: Harness;
  afterEach(() => h?.close());

  it("keeps a short-lived token for most of its life instead of fetching one per call", async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
    let n = 0;
    h.fake.tokenResponder = () => ({ status: 200, body: { access_token: `short-${++n}`, token_type: "bearer", expires_in: 30 } });
    for (let i = 0; i < 5; i++) {
      await h.call("get_meeting", { meetingId: String(i + 1) });
      h.clock.now += 1000;
    }
    // expires_in 30 s is shorter than the 60 s margin: the margin shrinks to a tenth of the lifetime.
    expect(h.fake.tokenRequests).toHaveLength(1);
  });

  it("refreshes a short-lived token again once most of its lifetime has passed", async () => {
    const fake = await new FakeZoom({ permissive: true }).start();
    let clock = 0;
    let n = 0;
    fake.tokenResponder = () => ({ status: 200, body: { access_token: `short-${++n}`, expires_in: 30 } });
    const provider = new ServerToServerTokenProvider({ accountId: "a", clientId: "c", clientSecret: "s", tokenUrl: fake.tokenUrl, timeoutMs: 2000, logger: silentLogger(), now: () => clock });
    expect((await provider.getToken()).accessToken).toBe("short-1");
    clock = 26_000;
    expect((await provider.getToken()).accessToken).toBe("short-1");
    clock = 27_500;
    expect((await provider.getToken()).accessToken).toBe("short-2");
    await fake.stop();
  });

  it("backs off refreshing during a 401 storm, and one refresh serves every concurrent caller", async () => {
    h = await startHarness();
    h.fake.on("GET", /^\/meetings\/\d+$/, { status: 401, body: { code: 124, message: "Invalid access token." } });
    const concurrent = await Promise.all(Array.from({ length: 10 }, (_, i) => h.call("get_meeting", { meetingId: String(i + 1) })));
    expect(concurrent.every((r) => r.isError)).toBe(true);
    // One initial token and one shared refresh, not one refresh per call.
    expect(h.fake.tokenRequests).toHaveLength(2);
    for (let i = 0; i < 4; i++) await h.call("get_meeting", { meetingId: "99" });
    expect(h.fake.tokenRequests).toHaveLength(2);
    const last = textOf(await h.call("get_meeting", { meetingId: "98" }));
    expect(last).toContain("holding back further token requests");
    // After the backoff (1 s, then doubling) one more refresh may happen.
    h.clock.now += 1500;
    await h.call("get_meeting", { meetingId: "97" });
    expect(h.fake.tokenRequests).toHaveLength(3);
    await h.call("get_meeting", { meetingId: "96" });
    expect(h.fake.tokenRequests).toHaveLength(3);
  });

  it("explains a rejected static token without promising a refresh", async () => {
    h = await startHarness({ credentials: "static" });
    h.fake.on("GET", "/meetings/1", { status: 401, body: { code: 124, message: "Invalid access token." } });
    const text = textOf(await h.call("get_meeting", { meetingId: "1" }));
    expect(text).toContain("Zoom rejected ZOOM_ACCESS_TOKEN");
    expect(text).toContain("cannot renew a fixed token");
    expect(text).not.toMatch(/after a refresh/);
    expect(h.fake.tokenRequests).toHaveLength(0);
    expect(h.fake.requests).toHaveLength(1);
  });

  it("a token endpoint that does not answer within ZOOM_TIMEOUT_MS says so, naming it", async () => {
    h = await startHarness({ config: { timeoutMs: "100" } });
    h.fake.tokenResponder = () => ({ status: 200, body: { access_token: "late", expires_in: 3599 }, delayMs: 1000 });
    const result = await h.call("get_meeting", { meetingId: "1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Could not reach the Zoom token endpoint ${h.fake.tokenUrl}: no answer within 100 ms (${envName("timeoutMs")})`);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("logs a token-endpoint network failure, without the secret", async () => {
    h = await startHarness();
    h.fake.tokenResponder = () => ({ drop: true });
    const result = await h.call("get_meeting", { meetingId: "1" });
    expect(result.isError).toBe(true);
    const logs = h.logs.join("");
    expect(logs).toMatch(/could not reach the Zoom token endpoint/);
    expect(logs).toContain(h.fake.tokenUrl);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(Buffer.from(`client-1:${SECRET}`).toString("base64"));
  });
});

describe("the token request is bounded as a whole, headers and body", () => {
  let h: Harness;
  afterEach(() => h?.close());

  /** Headers and the first bytes of the token answer, then nothing. */
  const headersThenStall = (): FakeResponse => ({
    raw: (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
      res.write('{"access_token": "');
    },
  });
  /** A call whose MCP request gives up after `ms`, so a hang fails the test quickly instead of at the client's 60 s. */
  const callWithin = (ms: number, meetingId: string) => h.client.callTool({ name: "get_meeting", arguments: { meetingId } }, undefined, { timeout: ms }) as Promise<CallToolResult>;

  it("a token endpoint that sends its headers, then stalls the body, fails the call within ZOOM_TIMEOUT_MS, and the next call fetches a token again", async () => {
    h = await startHarness({ config: { timeoutMs: "200" }, fakeOptions: { permissive: true } });
    const healthy = h.fake.tokenResponder;
    h.fake.tokenResponder = headersThenStall;
    const started = performance.now();
    const first = await callWithin(5000, "1");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(first.isError).toBe(true);
    expect(textOf(first)).toContain(`The Zoom token endpoint ${h.fake.tokenUrl} sent its headers (HTTP 200), then stalled the body`);
    expect(textOf(first)).toContain(`within 200 ms (${envName("timeoutMs")})`);
    expect(h.fake.requests).toHaveLength(0);

    // The failed request no longer holds the single flight: the next call asks again, and gets a token.
    h.fake.tokenResponder = healthy;
    const second = await callWithin(5000, "2");
    expect(second.isError).toBeFalsy();
    expect(h.fake.tokenRequests).toHaveLength(2);
    expect(h.fake.requests.map((r) => r.headers.authorization)).toEqual(["Bearer token-1"]);
  });

  it("says a token answer cut off mid-body was cut off, rather than blaming the credentials", async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
    h.fake.tokenResponder = () => ({ raw: (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
      res.write('{"access_token": "', () => res.destroy());
    } });
    const result = await callWithin(5000, "1");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`The Zoom token endpoint ${h.fake.tokenUrl} sent its headers (HTTP 200), then the answer was cut off`);
    expect(textOf(result)).not.toContain("credentials");
  });

  it.each([
    ["announced in Content-Length", (res: ServerResponse) => res.writeHead(200, { "content-type": "application/json", "content-length": String(2 * MiB) }).end(" ".repeat(2 * MiB))],
    ["streamed without a length", (res: ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"access_token": "');
      res.end(`${"x".repeat(2 * MiB)}", "expires_in": 3599}`);
    }],
  ])("refuses a token answer larger than 1 MiB (%s), saying so", async (_, raw) => {
    h = await startHarness({ fakeOptions: { permissive: true } });
    h.fake.tokenResponder = () => ({ raw });
    const result = await callWithin(5000, "1");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`The Zoom token endpoint ${h.fake.tokenUrl} sent an answer larger than 1048576 bytes`);
    expect(textOf(result)).toContain(envName("oauthTokenUrl"));
    expect(h.fake.requests).toHaveLength(0);
  });
});

describe("the token request's timer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A provider over an in-process fetch that answers 200 with `body` and, like a fetch a test may inject, ignores the abort signal. */
  const over = (body: () => ReadableStream<Uint8Array>) =>
    new ServerToServerTokenProvider({
      accountId: "a", clientId: "c", clientSecret: "s", tokenUrl: "http://127.0.0.1:9/oauth/token", timeoutMs: 200, logger: silentLogger(),
      fetch: async () => new Response(body(), { status: 200, headers: { "content-type": "application/json" } }),
    });

  it("is cleared once the token has come", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const encoded = new TextEncoder().encode('{"access_token": "t-1", "expires_in": 3599}');
    const provider = over(() => new ReadableStream({ start: (c) => (c.enqueue(encoded), c.close()) }));
    expect((await provider.getToken()).accessToken).toBe("t-1");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancels a stalled body when it fires, and is gone after", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let cancelled = false;
    const provider = over(() => new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"access_')), cancel: () => void (cancelled = true) }));
    const pending = provider.getToken();
    const failed = expect(pending).rejects.toThrow(/sent its headers \(HTTP 200\), then stalled the body/);
    await vi.advanceTimersByTimeAsync(200);
    await failed;
    expect(cancelled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the call's deadline covers its wait for a token", () => {
  let h: Harness;
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    await h?.close();
  });

  /**
   * A token endpoint that answers after `delayMs` of fake time. `arrived` resolves once the request is
   * in and its answer's timer armed, so the test moves the clock only from then on.
   */
  const slowTokens = (delayMs: number) => {
    const healthy = h.fake.tokenResponder;
    let arrive!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    h.fake.tokenResponder = (req) => {
      arrive();
      return { ...healthy(req), delayMs };
    };
    return arrived;
  };

  it("a token endpoint slower than ZOOM_CALL_TIMEOUT_MS ends the call at its deadline; the one token request carries on and serves a later call", async () => {
    h = await startHarness({ config: { callTimeoutMs: "1000" }, fakeOptions: { permissive: true } });
    const arrived = slowTokens(5000);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const first = h.call("get_meeting", { meetingId: "1" });
    await arrived;
    // The first call's deadline passes at 1 s; at 4.5 s a second call joins the token request still under way.
    await vi.advanceTimersByTimeAsync(4500);
    const second = h.call("get_meeting", { meetingId: "2" });
    // The token comes at 5 s, within the second call's deadline (5.5 s).
    await vi.advanceTimersByTimeAsync(500);

    const [late, next] = await Promise.all([first, second]);
    expect(textOf(late)).toBe(
      `The call did not finish within its 1000 ms deadline (${envName("callTimeoutMs")}) while waiting for a Zoom access token. ` +
        "No request reached Zoom, so nothing was changed. The token request goes on, so calling again shortly may find the token ready.",
    );
    expect(late.isError).toBe(true);
    expect(next.isError).toBeFalsy();
    expect(h.fake.tokenRequests).toHaveLength(1);
    expect(h.fake.requests.map((r) => r.path)).toEqual(["/meetings/2"]);
    expect(h.logs.find((l) => l.includes('"msg":"tool call"'))).toContain('"error":"timeout"');
  });

  it("a call cancelled while it waits for a token still ends as cancelled, and its deadline timer is cleared", async () => {
    h = await startHarness({ config: { callTimeoutMs: "1000" } });
    const arrived = slowTokens(5000);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const armed = vi.spyOn(globalThis, "setTimeout");
    const cleared = vi.spyOn(globalThis, "clearTimeout");
    const controller = new AbortController();
    const pending = h.client.callTool({ name: "get_meeting", arguments: { meetingId: "1" } }, undefined, { signal: controller.signal });
    await arrived;
    await vi.advanceTimersByTimeAsync(500);
    controller.abort("changed my mind");
    await expect(pending).rejects.toThrow();
    await h.app.calls.idle();
    expect(h.logs.find((l) => l.includes('"msg":"tool call"'))).toContain('"status":"aborted"');
    // The deadline's timer is the one armed for the call's 1000 ms (the harness's clock stands still).
    const deadline = armed.mock.calls.findIndex(([, ms]) => ms === 1000);
    expect(deadline).toBeGreaterThanOrEqual(0);
    expect(cleared).toHaveBeenCalledWith(armed.mock.results[deadline]!.value);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("a cached token is used without arming a timer for the deadline", async () => {
    h = await startHarness({ config: { callTimeoutMs: "43210" }, fakeOptions: { permissive: true } });
    expect((await h.call("get_meeting", { meetingId: "1" })).isError).toBeFalsy();
    // That token has expired: the next call waits for a fresh one.
    h.clock.now += 3600_000;
    const armed = vi.spyOn(globalThis, "setTimeout");
    const cleared = vi.spyOn(globalThis, "clearTimeout");
    const deadlineTimers = () => armed.mock.results.filter((_, i) => armed.mock.calls[i]![1] === 43_210).map((r) => r.value as unknown);
    // The wait is bounded by a timer for what is left of the deadline (all of it: the harness's clock stands still),
    // cleared when the token comes.
    expect((await h.call("get_meeting", { meetingId: "2" })).isError).toBeFalsy();
    expect(deadlineTimers()).toHaveLength(1);
    expect(cleared).toHaveBeenCalledWith(deadlineTimers()[0]);
    // The fresh token is cached now: no timer.
    expect((await h.call("get_meeting", { meetingId: "3" })).isError).toBeFalsy();
    expect(deadlineTimers()).toHaveLength(1);
    expect(h.fake.tokenRequests).toHaveLength(2);
  });
});
