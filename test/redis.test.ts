/**
 * Shared state in Redis (issue 12 §2): replicas share one S2S token (stored encrypted), the label
 * budgets and the daily counts; when Redis dies calls go on with local budgets, and /healthz says so.
 * Without Redis these tests skip and say why; in CI (CI=true) a missing Redis is a failure.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { SharedTokenStore } from "../src/auth/shared-token.js";
import { abortableSleep } from "../src/http/client.js";
import { Governor } from "../src/http/governor.js";
import { FlexibleDailyStore, MemoryWindowStore, RedisWindowStore, type SlotId, type WindowStore } from "../src/http/governor-store.js";
import { silentLogger } from "../src/logger.js";
import { RedisLink } from "../src/redis.js";
import { serveHttp } from "../src/transports/http.js";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { SECRET, startHarness, textOf, type Harness } from "./helpers/harness.js";
import { RateLimitedRoute } from "./helpers/rate-limited-zoom.js";
import { OwnRedis, ownRedisUnavailable, sharedRedisUnavailable, TEST_REDIS_URL } from "./helpers/redis.js";

const sharedReason = await sharedRedisUnavailable();
const ownReason = ownRedisUnavailable();
for (const reason of [sharedReason, ownReason]) {
  if (!reason) continue;
  if (process.env.CI) throw new Error(`Redis tests must run in CI, but ${reason}`);
  process.stderr.write(`\n[redis.test.ts] SKIPPING Redis tests: ${reason}\n`);
}

const LIVESTREAM = (i: number) => ({ meetingId: String(2000 + i), stream_url: "rtmp://a/b", stream_key: "k" });
const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe.skipIf(!!sharedReason)(`with a shared Redis${sharedReason ? ` (skipped: ${sharedReason})` : ""}`, () => {
  const open: Harness[] = [];
  let fake: FakeZoom | undefined;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    await fake?.stop();
    fake = undefined;
  });

  const replicas = async (n: number, config: Record<string, string> = {}) => {
    fake = await new FakeZoom({ permissive: true }).start();
    const accountId = `acct-${randomUUID()}`;
    for (let i = 0; i < n; i++) open.push(await startHarness({ fake, config: { accountId, redisUrl: TEST_REDIS_URL, logLevel: "warn", ...config } }));
    return { accountId, hs: [...open], fake };
  };

  it("hands out budget slots on the same schedule as the in-memory log (one synthetic clock for both)", async () => {
    // One pump per store: wake-ups 2 ms late, every request answered 5 ms after its slot, 30 a second.
    let t = 0;
    const pump = async (store: WindowStore, calls: number) => {
      t = 1_800_000_000_000;
      const log: Array<[number, number]> = [];
      const answers: Array<[number, SlotId]> = [];
      while (log.filter(([, wait]) => wait === 0).length < calls) {
        while (answers.length && answers[0]![0] <= t) {
          const [at, slot] = answers.shift()!;
          await store.settle("Light", slot, at, 2000, t);
        }
        const take = await store.take("Light", 30, 1010, t);
        log.push([t, take.wait]);
        if (take.wait > 0) t += take.wait + 2;
        else answers.push([t + 5, take.slot!]);
      }
      return log;
    };
    const link = new RedisLink({ url: TEST_REDIS_URL, logger: silentLogger() });
    try {
      const prefix = `test-${randomUUID()}`;
      // The Redis store's scripts read the same synthetic clock instead of Redis's.
      const inRedis = await pump(new RedisWindowStore(link, (key) => `${prefix}:${key}`, { clock: () => t }), 100);
      const inMemory = await pump(new MemoryWindowStore(), 100);
      expect(inRedis).toEqual(inMemory);
      // Two windows and more: 15 at once, then spaced, then each slot again a window after its answer.
      expect(inMemory.at(-1)![0] - inMemory[0]![0]).toBeGreaterThan(3000);
    } finally {
      await link.close();
    }
  });

  it("answers every replica in Redis's clock: one whose clock runs 400 ms ahead frees no slot early, one 400 ms behind waits no longer", async () => {
    const link = new RedisLink({ url: TEST_REDIS_URL, logger: silentLogger() });
    const ahead = () => Date.now() + 400;
    const behind = () => Date.now() - 400;
    // On a fresh key, one replica takes a slot, then the other asks at once: how long must it wait?
    const waitAfter = async (limit: number, first: () => number, then: () => number) => {
      const prefix = `test-${randomUUID()}`;
      const store = new RedisWindowStore(link, (key) => `${prefix}:${key}`);
      expect((await store.take("Light", limit, 1000, first())).wait).toBe(0);
      return (await store.take("Light", limit, 1000, then())).wait;
    };
    try {
      for (const [first, then] of [[behind, ahead], [ahead, behind]] as const) {
        // One a second: the slot frees a second after it was taken (each replica's own clock would say 200 ms or 1800 ms).
        const full = await waitAfter(1, first, then);
        expect(full).toBeGreaterThan(950);
        expect(full).toBeLessThanOrEqual(1000);
        // Two a second, the second spaced 500 ms (less 4 ms of tolerance) after the first (each own clock: at once, or 1296 ms).
        const spaced = await waitAfter(2, first, then);
        expect(spaced).toBeGreaterThan(446);
        expect(spaced).toBeLessThanOrEqual(496);
      }
    } finally {
      await link.close();
    }
  });

  it("two governors sharing one Redis store, their clocks 800 ms apart, never let more than the limit out in any second of Redis's clock, and neither waits needlessly", async () => {
    const LIMIT = 20;
    const link = new RedisLink({ url: TEST_REDIS_URL, logger: silentLogger() });
    // Redis's own clock (via the link, which waits for its first connection), in ms.
    const redisNow = async () => {
      const [s, us] = await link.run(
        (redis) => redis.time(),
        () => {
          throw new Error("Redis is unreachable");
        },
      );
      return Number(s) * 1000 + Number(us) / 1000;
    };
    try {
      const prefix = `test-${randomUUID()}`;
      const store = new RedisWindowStore(link, (key) => `${prefix}:${key}`);
      const replica = (skewMs: number) =>
        new Governor({ plan: "pro", overrides: { Light: LIMIT }, windows: store, daily: new FlexibleDailyStore(), logger: silentLogger(), now: () => Date.now() + skewMs, sleep: abortableSleep });
      const sent: Array<{ by: string; at: number }> = [];
      // One call: its slot, then "Zoom" counts it (the moment, read from Redis), then its answer settles the slot.
      const call = async (gov: Governor, by: string) => {
        const ticket = gov.ticket("GET", "/users/me", "Light");
        const gate = await ticket.acquire({ budgetMs: 10_000 });
        expect(gate.ok).toBe(true);
        sent.push({ by, at: await redisNow() });
        ticket.observe(new Headers());
      };
      const started = await redisNow();
      const [ahead, behind] = [replica(+400), replica(-400)];
      await Promise.all(Array.from({ length: 2 * LIMIT }, (_, i) => (i % 2 ? call(ahead, "ahead") : call(behind, "behind"))));

      const at = sent.map((s) => s.at).sort((a, b) => a - b);
      let busiest = 0;
      for (let i = 0, j = 0; i < at.length; i++) {
        while (at[i]! - at[j]! >= 1000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      expect(busiest).toBeLessThanOrEqual(LIMIT);
      // In one clock, 40 calls at 20/s go out as 10 at once, 10 spaced 50.5 ms, then, once the first slots free (a window
      // and its 10 ms margin later), 20 more spaced 50.5 ms: the last at 1010 + 19 * 50.5 = 1969.5 ms. Each replica's last
      // call goes out by then, with room for a busy machine. (With each replica's own clock in the scripts, the one behind
      // ended near 2.5 s, and 25 calls went out within one second.)
      for (const by of ["ahead", "behind"]) {
        const last = Math.max(...sent.filter((s) => s.by === by).map((s) => s.at));
        expect(last - started, by).toBeLessThan(2200);
      }
    } finally {
      await link.close();
    }
  });

  it("gives two replicas one S2S token between them, stored so that Redis alone reveals nothing", async () => {
    const { accountId, hs, fake } = await replicas(2);
    const original = fake.tokenResponder;
    fake.tokenResponder = (req) => ({ ...original(req), delayMs: 50 });
    const results = await Promise.all(hs.flatMap((h) => Array.from({ length: 5 }, (_, i) => h.call("get_meeting", { meetingId: String(i + 1) }))));
    expect(results.every((r) => !r.isError)).toBe(true);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(new Set(fake.requests.map((r) => r.headers.authorization))).toEqual(new Set(["Bearer token-1"]));

    const redis = new Redis(TEST_REDIS_URL);
    const link = hs[0]!.app.redis!;
    const raw = await redis.get(link.key(`${accountId}:client-1`, "s2s-token"));
    redis.disconnect();
    expect(raw).toBeTruthy();
    expect(raw).not.toContain("token-1");
    // Under another secret the stored value reads as no token at all.
    const other = new RedisLink({ url: TEST_REDIS_URL, logger: silentLogger() });
    const wrong = new SharedTokenStore(other, { accountId, clientId: "client-1", clientSecret: "not-the-secret" });
    const right = new SharedTokenStore(other, { accountId, clientId: "client-1", clientSecret: SECRET });
    expect(await wrong.read()).toBeUndefined();
    expect(await right.read()).toMatchObject({ accessToken: "token-1" });
    await other.close();
  });

  it("after a 401 on one replica, the other picks up the one fresh token instead of fetching its own", async () => {
    const { hs, fake } = await replicas(2);
    await hs[0]!.call("get_meeting", { meetingId: "1" });
    await hs[1]!.call("get_meeting", { meetingId: "1" });
    let rejectOnce = true;
    fake.on("GET", "/meetings/2", (req) => {
      if (req.headers.authorization === "Bearer token-1" && rejectOnce) {
        rejectOnce = false;
        return { status: 401, body: { code: 124, message: "Invalid access token." } };
      }
      return req.headers.authorization === "Bearer token-1" ? { status: 401, body: { code: 124, message: "Invalid access token." } } : { status: 200, body: { id: 2 } };
    });
    expect(textOf(await hs[0]!.call("get_meeting", { meetingId: "2" }))).toBe('{"id":2}');
    expect(textOf(await hs[1]!.call("get_meeting", { meetingId: "2" }))).toBe('{"id":2}');
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it("a token body that stalls under the replicas' lock ends both replicas' calls within ZOOM_TIMEOUT_MS (twice that for the one that waited), frees the lock, and the next calls share one token", async () => {
    const { hs, fake } = await replicas(2, { timeoutMs: "200" });
    const healthy = fake.tokenResponder;
    fake.tokenResponder = () => ({ raw: (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
      res.write('{"access_token": "');
    } });
    // The MCP request gives up after 5 s, so a hang fails the test quickly instead of at the client's 60 s.
    const callAll = () => Promise.all(hs.map((h, i) => h.client.callTool({ name: "get_meeting", arguments: { meetingId: String(i + 1) } }, undefined, { timeout: 5000 }) as Promise<CallToolResult>));
    let started = performance.now();
    const stalled = await callAll();
    expect(performance.now() - started).toBeLessThan(3000);
    for (const result of stalled) expect(textOf(result)).toContain("sent its headers (HTTP 200), then stalled the body");

    fake.tokenResponder = healthy;
    const asked = fake.tokenRequests.length;
    started = performance.now();
    const recovered = await callAll();
    expect(recovered.map((r) => r.isError ?? false)).toEqual([false, false]);
    // The failed fetch released the lock: nobody waited out its TTL (ZOOM_TIMEOUT_MS + 5 s) or fetched a token of its own.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(fake.tokenRequests.length - asked).toBe(1);
  });

  it("counts the 100 meeting creates per host across replicas", async () => {
    // No pacing in the way: the shared windows keep Redis's real time, which the harness clock's instant sleeps do not advance.
    const { hs, fake } = await replicas(2, { rateLimitLight: "10000" });
    fake.on("POST", /^\/users\/[^/]+\/meetings$/, { status: 201, body: { id: 1 } });
    for (let i = 0; i < 100; i++) expect((await hs[i % 2]!.call("create_meeting", { userId: "shared-host@example.com", topic: "t" })).isError).toBeFalsy();
    const refused = await hs[0]!.call("create_meeting", { userId: "shared-host@example.com", topic: "t" });
    expect(textOf(refused)).toContain("daily limit of 100 meeting creates and updates");
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(100);
  });

  it("two server processes sharing Redis stay within one account's limit, with 0 failures and one token", async () => {
    fake = await new FakeZoom().start();
    const route = new RateLimitedRoute({ limit: 20, mode: "sliding" });
    fake.on("PATCH", /^\/meetings\/\d+\/livestream$/, route.responder);
    fake.on("GET", "/accounts", { status: 200, body: {} });
    const env = {
      PATH: process.env.PATH ?? "",
      ZOOM_ACCOUNT_ID: `acct-${randomUUID()}`,
      ZOOM_CLIENT_ID: "client-1",
      ZOOM_CLIENT_SECRET: SECRET,
      ZOOM_API_BASE_URL: fake.apiBase,
      ZOOM_OAUTH_TOKEN_URL: fake.tokenUrl,
      ZOOM_MCP_REDIS_URL: TEST_REDIS_URL,
      ZOOM_RATE_LIMIT_LIGHT: "20",
      ZOOM_RATE_LIMIT_MEDIUM: "10000",
      ZOOM_TOOLSETS: "all",
      LOG_LEVEL: "warn",
    };
    const clients = await Promise.all(
      [0, 1].map(async () => {
        const client = new Client({ name: "replica-test", version: "1.0.0" });
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [ENTRY], env, stderr: "ignore" }));
        // Warm up on another label: connection, token, first-call setup.
        await client.callTool({ name: "list_accounts", arguments: {} });
        return client;
      }),
    );
    try {
      // The floor: the same number of calls on a label with no limit, i.e. how fast this machine runs the call path now.
      const floorStart = performance.now();
      await Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => c.callTool({ name: "list_accounts", arguments: {} }))));
      const floor = (performance.now() - floorStart) / 1000;
      const started = performance.now();
      const results = (await Promise.all(
        clients.flatMap((c, k) => Array.from({ length: 50 }, (_, i) => c.callTool({ name: "update_meeting_livestream", arguments: LIVESTREAM(k * 50 + i) }))),
      )) as CallToolResult[];
      const seconds = (performance.now() - started) / 1000;
      expect(results.filter((r) => r.isError).map(textOf)).toEqual([]);
      expect(route.busiestWindow()).toBeLessThanOrEqual(22);
      expect(route.rejected).toBeLessThanOrEqual(10);
      expect(fake.tokenRequests).toHaveLength(1);
      expect(seconds).toBeLessThanOrEqual(5 * 1.15 + floor);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    // About 7 s on a quiet machine (two process starts, the floor, then 5 s of pacing); the margin is for a busy one.
  }, 30_000);
});

describe.skipIf(!!ownReason)(`when Redis dies mid-run${ownReason ? ` (skipped: ${ownReason})` : ""}`, () => {
  let redis: OwnRedis | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    await redis?.kill();
  });

  it("falls back to this process's own log, on the caller's clock, while Redis is down", async () => {
    redis = await new OwnRedis().start();
    const link = new RedisLink({ url: redis.url, logger: silentLogger() });
    try {
      const store = new RedisWindowStore(link, (key) => `test-${randomUUID()}:${key}`);
      expect(await store.take("Light", 1, 1000, Date.now())).toEqual({ wait: 0, slot: expect.any(String) });
      const closed = once(link.client, "close");
      await redis.kill();
      await closed;
      // A synthetic clock far from Redis's: one a second, the slot re-stamped when its answer came at 300.
      const first = await store.take("Light", 1, 1000, 0);
      expect(first).toEqual({ wait: 0, slot: expect.any(Number) });
      await store.settle("Light", first.slot!, 300, 1000, 300);
      expect((await store.take("Light", 1, 1000, 1000)).wait).toBe(300);
      expect((await store.take("Light", 1, 1000, 1300)).wait).toBe(0);
    } finally {
      await link.close();
    }
  });

  it("keeps calls succeeding on a local budget, warns once, reports it in /healthz, and reconnects", async () => {
    redis = await new OwnRedis().start();
    h = await startHarness({ realTime: true, config: { redisUrl: redis.url, accountId: `acct-${randomUUID()}` } });
    h.fake.on("PATCH", /^\/meetings\/\d+\/livestream$/, { status: 204 });
    const http = await serveHttp({ host: "127.0.0.1", port: 0, maxBodyBytes: 1 << 20, newServer: h.app.newServer, logger: silentLogger(), health: h.app.health });
    const health = async () => ((await (await fetch(http.url.replace(/\/mcp$/, "/healthz"))).json()) as { redis: { state: string } }).redis.state;
    try {
      for (let i = 0; i < 5; i++) expect((await h.call("update_meeting_livestream", LIVESTREAM(i))).isError).toBeFalsy();
      expect(await health()).toBe("connected");

      await redis.kill();
      const during = await Promise.all(Array.from({ length: 10 }, (_, i) => h!.call("update_meeting_livestream", LIVESTREAM(10 + i))));
      expect(during.filter((r) => r.isError).map(textOf)).toEqual([]);
      expect(await health()).toBe("unreachable");
      for (let i = 0; i < 5; i++) expect((await h.call("update_meeting_livestream", LIVESTREAM(30 + i))).isError).toBeFalsy();
      expect(h.logs.join("").match(/Redis is unreachable/g)).toHaveLength(1);

      await redis.start();
      const deadline = Date.now() + 8000;
      while ((await health()) !== "connected" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await health()).toBe("connected");
      expect(h.logs.join("")).toMatch(/Redis is reachable again/);
      expect((await h.call("update_meeting_livestream", LIVESTREAM(40))).isError).toBeFalsy();
    } finally {
      await http.close();
    }
  }, 20_000);
});
