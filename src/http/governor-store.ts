/**
 * Where the governor keeps its counts: in this process, or in Redis so replicas share them.
 *
 * - Per-second (per-minute) budgets are sliding-window logs: a slot is free when fewer than `limit`
 *   requests went out in the last window. A sliding log never bursts at a window edge, so it stays
 *   within Zoom's limit whether Zoom counts in fixed or in sliding windows. Past half the budget,
 *   requests are also spaced `window / limit` apart: a burst then reaches Zoom as an even stream,
 *   not as clumps whose stragglers spill into Zoom's next window. Each entry is stamped when its
 *   slot is granted and re-stamped when Zoom's answer arrives (`settle`), so a slot is reused only a
 *   full window after Zoom saw the request, however late it got there. In Redis it is one Lua script
 *   over a sorted set, atomic across replicas; a 429's pause lives next to it.
 * - Daily counts use rate-limiter-flexible (memory or Redis store, with a memory insurance limiter
 *   that takes over while Redis is down), keyed by the UTC day so they reset at 00:00 UTC.
 */
import { randomUUID } from "node:crypto";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisLink } from "../redis.js";

export interface Take {
  /** 0 when a slot was taken, else ms until one may be free. */
  readonly wait: number;
  readonly slot?: string;
}

export interface WindowStore {
  /** Takes a slot in `key`'s window if one is free, else says how many ms until one may be. */
  take(key: string, limit: number, windowMs: number, now: number): Promise<Take>;
  /** Re-stamps a slot with the moment Zoom answered, so it frees a full window after that. */
  settle(key: string, slot: string, at: number, windowMs: number): Promise<void>;
  /** Holds every slot of `key` until `until` (a 429's Retry-After). */
  pause(key: string, until: number, now: number): Promise<void>;
}

export class MemoryWindowStore implements WindowStore {
  private readonly logs = new Map<string, Map<string, number>>();
  private readonly pauses = new Map<string, number>();
  private readonly lastGrant = new Map<string, number>();
  private next = 0;

  async take(key: string, limit: number, windowMs: number, now: number): Promise<Take> {
    return this.takeNow(key, limit, windowMs, now);
  }

  takeNow(key: string, limit: number, windowMs: number, now: number): Take {
    const paused = this.pauses.get(key) ?? 0;
    if (paused > now) return { wait: paused - now };
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new Map()));
    for (const [slot, at] of log) if (at <= now - windowMs) log.delete(slot);
    const stamps = [...log.values()].sort((a, b) => a - b);
    if (stamps.length < limit) {
      const gap = spacingWait(stamps.length, limit, windowMs, this.lastGrant.get(key), now);
      if (gap > 0) return { wait: gap };
      const slot = `m${++this.next}`;
      log.set(slot, now);
      this.lastGrant.set(key, now);
      return { wait: 0, slot };
    }
    // The slot frees when enough of the oldest entries leave the window.
    return { wait: Math.max(1, stamps[stamps.length - limit]! + windowMs - now) };
  }

  async settle(key: string, slot: string, at: number): Promise<void> {
    const log = this.logs.get(key);
    if (log?.has(slot)) log.set(slot, Math.max(log.get(slot)!, at));
  }

  async pause(key: string, until: number): Promise<void> {
    if ((this.pauses.get(key) ?? 0) < until) this.pauses.set(key, until);
  }
}

const TAKE = `
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n > 0 and n < limit and n >= math.floor(limit / 2) then
  local last = tonumber(redis.call('GET', KEYS[3]) or '0')
  local gap = math.ceil(last + window / limit - now)
  if gap > 0 then return gap end
end
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  redis.call('SET', KEYS[3], now, 'PX', window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

const SETTLE = `
if redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', ARGV[1], ARGV[2]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 0
`;

const PAUSE = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
`;

/** Redis-backed windows, falling back to `local` (this process's own log) while Redis is unreachable. */
/** Past half the budget, the next request waits until `window / limit` after the last one. */
function spacingWait(used: number, limit: number, windowMs: number, last: number | undefined, now: number): number {
  if (last === undefined || used < Math.floor(limit / 2)) return 0;
  return Math.max(0, Math.ceil(last + windowMs / limit - now));
}

export class RedisWindowStore implements WindowStore {
  private readonly local = new MemoryWindowStore();

  constructor(
    private readonly link: RedisLink,
    private readonly keyOf: (key: string) => string,
  ) {}

  take(key: string, limit: number, windowMs: number, now: number): Promise<Take> {
    const slot = randomUUID();
    return this.link.run(
      async (redis) => {
        const wait = Number(await redis.eval(TAKE, 3, this.keyOf(`qps:${key}`), this.keyOf(`pause:${key}`), this.keyOf(`last:${key}`), now, windowMs, limit, slot));
        return wait === 0 ? { wait, slot } : { wait };
      },
      () => this.local.takeNow(key, limit, windowMs, now),
    );
  }

  async settle(key: string, slot: string, at: number, windowMs: number): Promise<void> {
    // Slots taken while Redis was down live in the local log ("m" ids).
    if (slot.startsWith("m")) return this.local.settle(key, slot, at);
    await this.link.run(
      async (redis) => void (await redis.eval(SETTLE, 1, this.keyOf(`qps:${key}`), at, slot, windowMs * 2)),
      () => undefined,
    );
  }

  async pause(key: string, until: number, now: number): Promise<void> {
    await this.local.pause(key, until);
    if (until <= now) return;
    await this.link.run(
      async (redis) => void (await redis.eval(PAUSE, 1, this.keyOf(`pause:${key}`), Math.ceil(until - now))),
      () => undefined,
    );
  }
}

export type DailyVerdict = { readonly ok: true } | { readonly ok: false; readonly used: number };

/** Counts per UTC day. `take` adds one and refuses past `limit`; `exhaust` marks a counter used up until the reset. */
export interface DailyStore {
  take(key: string, limit: number, day: string): Promise<DailyVerdict>;
  give(key: string, limit: number, day: string): Promise<void>;
  exhaust(key: string, limit: number, day: string, untilMs: number): Promise<void>;
}

/** rate-limiter-flexible, loaded on the first call that has a daily cap (it is not needed to start). */
let library: Promise<typeof import("rate-limiter-flexible")> | undefined;
const flexible = () => (library ??= import("rate-limiter-flexible"));

/** Daily counters on rate-limiter-flexible: one limiter per distinct limit, keys carry the UTC day. */
export class FlexibleDailyStore implements DailyStore {
  private readonly limiters = new Map<number, RateLimiterAbstract>();

  constructor(
    private readonly link?: RedisLink,
    private readonly keyPrefix = "zoom-mcp",
  ) {}

  async take(key: string, limit: number, day: string): Promise<DailyVerdict> {
    const { RateLimiterRes } = await flexible();
    try {
      await (await this.limiter(limit)).consume(`${day}:${key}`, 1);
      return { ok: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { ok: false, used: rejection.consumedPoints };
      throw rejection;
    }
  }

  async give(key: string, limit: number, day: string): Promise<void> {
    await (await this.limiter(limit)).reward(`${day}:${key}`, 1).catch(() => undefined);
  }

  async exhaust(key: string, limit: number, day: string, untilMs: number): Promise<void> {
    await (await this.limiter(limit)).block(`${day}:${key}`, Math.max(1, Math.ceil(untilMs / 1000))).catch(() => undefined);
  }

  private async limiter(limit: number): Promise<RateLimiterAbstract> {
    let limiter = this.limiters.get(limit);
    if (!limiter) {
      const { RateLimiterMemory, RateLimiterRedis } = await flexible();
      const existing = this.limiters.get(limit);
      if (existing) return existing;
      // A day and an hour: keys are per UTC day, so a counter never outlives its day's reset by accident of timing.
      const common = { points: limit, duration: 25 * 3600, keyPrefix: `${this.keyPrefix}:daily:${limit}` };
      const memory = new RateLimiterMemory(common);
      limiter = this.link
        ? new RateLimiterRedis({ ...common, storeClient: this.link.client, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory;
      this.limiters.set(limit, limiter);
    }
    return limiter;
  }
}
