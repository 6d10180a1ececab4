/**
 * Shared state in Redis (issue 12 §2): replicas share one S2S token (stored encrypted), the label
 * budgets and the daily counts; when Redis dies calls go on with local budgets, and /healthz says so.
 * Without Redis these tests skip and say why; in CI (CI=true) a missing Redis is a failure.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { SharedTokenStore } from "../src/auth/shared-token.js";
import { MemoryWindowStore, RedisWindowStore, type SlotId, type WindowStore } from "../src/http/governor-store.js";
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
    const pump = async (store: WindowStore, calls: number) => {
      let t = 1_800_000_000_000;
      const log: Array<[number, number]> = [];
      const answers: Array<[number, SlotId]> = [];
      while (log.filter(([, wait]) => wait === 0).length < calls) {
        while (answers.length && answers[0]![0] <= t) {
          const [at, slot] = answers.shift()!;
          await store.settle("Light", slot, at, 2000);
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
      const inRedis = await pump(new RedisWindowStore(link, (key) => `${prefix}:${key}`), 100);
      const inMemory = await pump(new MemoryWindowStore(), 100);
      expect(inRedis).toEqual(inMemory);
      // Two windows and more: 15 at once, then spaced, then each slot again a window after its answer.
      expect(inMemory.at(-1)![0] - inMemory[0]![0]).toBeGreaterThan(3000);
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

  it("counts the 100 meeting creates per host across replicas", async () => {
    const { hs, fake } = await replicas(2);
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
