/**
 * Where the governor keeps its counts: in this process, or in Redis so replicas share them.
 *
 * - Per-second (per-minute) budgets are sliding-window logs: a slot is free when fewer than `limit`
 *   requests went out in the last window. A sliding log never bursts at a window edge, so it stays
 *   within Zoom's limit whether Zoom counts in fixed or in sliding windows. Past half the budget,
 *   requests are also spaced `window / limit` apart: a burst then reaches Zoom as an even stream,
 *   not as clumps. The spacing keeps an ideal schedule (each step `window / limit` after the last
 *   step, not after the moment a late timer fired), so timer lateness does not add up into a lower
 *   rate. Each entry is stamped when its slot is granted and re-stamped when Zoom's answer arrives
 *   (`settle`, with the time Zoom can at the latest have counted it), so a slot is reused only a
 *   full window after Zoom saw the request, however late it got there. In Redis it is one Lua script
 *   over a sorted set, atomic across replicas; a 429's pause lives next to it.
 * - Whose clock: the memory store uses the caller's (one process, one clock). In Redis the scripts read
 *   Redis's own clock (TIME), so every replica stamps and compares in one clock: replicas whose clocks
 *   differ would otherwise disagree on which stamps are inside the window, and the one running ahead
 *   would free slots early (together the fleet passes Zoom's limit) while the one behind waits too long.
 *   Only durations cross between a replica's clock and Redis's: waits come back in ms, a pause goes in
 *   as ms left, and a settle as how long ago its moment was. (TIME before a write needs effects
 *   replication: Redis's default from 5 and its only mode from 7; ZADD GT already needs 6.2.)
 *   While Redis is down, the fallback is this process's own log on its own clock.
 * - Daily counts use rate-limiter-flexible (memory or Redis store, with a memory insurance limiter
 *   that takes over while Redis is down), keyed by the UTC day so they reset at 00:00 UTC.
 */
import { nodeCrypto } from "../crypto.js";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { RedisLink } from "../redis.js";

/** A taken slot: a number for one in this process's log, a string (a UUID) for one in Redis. */
export type SlotId = number | string;

export interface Take {
  /** 0 when a slot was taken, else ms until one may be free. */
  readonly wait: number;
  readonly slot?: SlotId;
}

/**
 * Times passed in (`now`, `at`, `until`) are the caller's clock, in ms; a store with a clock of its own (Redis)
 * turns them into durations against `now` and applies those on its clock.
 */
export interface WindowStore {
  /** Takes a slot in `key`'s window if one is free, else says how many ms until one may be. */
  take(key: string, limit: number, windowMs: number, now: number): Promise<Take>;
  /** The same without a promise, for a store that answers in this process (the governor's no-wait path). */
  takeSync?(key: string, limit: number, windowMs: number, now: number): Take;
  /** Re-stamps a slot with the latest moment Zoom can have counted it, so it frees a full window after that. */
  settle(key: string, slot: SlotId, at: number, windowMs: number, now: number): Promise<void>;
  settleSync?(key: string, slot: SlotId, at: number): void;
  /** Holds every slot of `key` until `until` (a 429's Retry-After). */
  pause(key: string, until: number, now: number): Promise<void>;
  /**
   * Zoom answered X-RateLimit-Remaining 0: holds `key` until `until` unless this store's own log explains it
   * (`limit` slots taken within the window), i.e. only when traffic we did not send shares the budget.
   */
  pauseUnlessFull(key: string, limit: number, windowMs: number, until: number, now: number): Promise<void>;
}

/**
 * Spacing in whole microseconds (the same integers in JS and in Redis's Lua, so both stores decide alike): the step
 * between spaced slots, and how early one may go, so that timer lateness up to twice that is absorbed instead of
 * pushing every later step back.
 */
export function spacingMicros(limit: number, windowMs: number): { step: number; tolerance: number } {
  const step = Math.floor((windowMs * 1000) / limit);
  return { step, tolerance: Math.min(Math.floor(step / 4), 4000) };
}

interface Entry {
  /** Slot ids grow with each slot taken, so the log is ordered by them. */
  readonly id: number;
  /** When the slot was taken; raised by `settle` to the latest moment Zoom can have counted it. */
  at: number;
}

/** One key's log: entries in the order their slots were taken (stamps only grow, so the order is nearly by stamp). */
interface Log {
  entries: Entry[];
  /** Entries before `head` have left the window. */
  head: number;
  /** When the next slot may go once past half the budget (spacing, in µs), on an ideal schedule that timer lateness does not push back. */
  nextAt: number | undefined;
}

export class MemoryWindowStore implements WindowStore {
  private readonly logs = new Map<string, Log>();
  private readonly pauses = new Map<string, number>();
  private next = 0;

  async take(key: string, limit: number, windowMs: number, now: number): Promise<Take> {
    return this.takeSync(key, limit, windowMs, now);
  }

  takeSync(key: string, limit: number, windowMs: number, now: number): Take {
    const paused = this.pauses.get(key);
    if (paused !== undefined) {
      if (paused > now) return { wait: paused - now };
      this.pauses.delete(key);
    }
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { entries: [], head: 0, nextAt: undefined }));
    const cutoff = now - windowMs;
    // Entries leave from the front; one settled late can hold a few behind it a little longer (never fewer counted:
    // when the count reaches the limit it is made exact, so that only makes spacing start a little early).
    const { entries } = log;
    while (log.head < entries.length && entries[log.head]!.at <= cutoff) log.head++;
    let used = entries.length - log.head;
    if (used >= limit) {
      used = this.compact(log, cutoff);
      if (used >= limit) return { wait: Math.max(1, Math.ceil(this.freeAt(log, used - limit) + windowMs - now)) };
    } else if (log.head > 64 && log.head * 2 > entries.length) {
      log.entries = entries.slice(log.head);
      log.head = 0;
    }
    const { step, tolerance } = spacingMicros(limit, windowMs);
    const micros = now * 1000;
    if (log.nextAt !== undefined && used >= Math.floor(limit / 2)) {
      const gap = log.nextAt - tolerance - micros;
      if (gap > 0) return { wait: Math.ceil(gap / 1000) };
      log.nextAt = Math.max(log.nextAt, micros - tolerance) + step;
    } else {
      log.nextAt = micros + step;
    }
    const id = ++this.next;
    log.entries.push({ id, at: now });
    return { wait: 0, slot: id };
  }

  /** How many entries are still in the window, counting every one (not only the front). */
  used(key: string, windowMs: number, now: number): number {
    const log = this.logs.get(key);
    return log ? this.compact(log, now - windowMs) : 0;
  }

  async settle(key: string, slot: SlotId, at: number): Promise<void> {
    this.settleSync(key, slot, at);
  }

  settleSync(key: string, slot: SlotId, at: number): void {
    const log = this.logs.get(key);
    if (!log || typeof slot !== "number") return;
    // Binary search by id among the entries still in the window (a slot that left it needs no stamp).
    const { entries } = log;
    let lo = log.head;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = entries[mid]!;
      if (e.id === slot) {
        if (e.at < at) e.at = at;
        return;
      }
      if (e.id < slot) lo = mid + 1;
      else hi = mid - 1;
    }
  }

  async pause(key: string, until: number): Promise<void> {
    if ((this.pauses.get(key) ?? 0) < until) this.pauses.set(key, until);
  }

  async pauseUnlessFull(key: string, limit: number, windowMs: number, until: number, now: number): Promise<void> {
    if (this.used(key, windowMs, now) < limit) await this.pause(key, until);
  }

  /** Drops every entry that left the window, wherever it sits; returns how many remain. */
  private compact(log: Log, cutoff: number): number {
    const kept: Entry[] = [];
    for (let i = log.head; i < log.entries.length; i++) {
      const e = log.entries[i]!;
      if (e.at > cutoff) kept.push(e);
    }
    log.entries = kept;
    log.head = 0;
    return kept.length;
  }

  /** The stamp of the `k`-th oldest entry (0-based): the slot frees a window after it. */
  private freeAt(log: Log, k: number): number {
    if (k === 0) {
      let min = Infinity;
      for (const e of log.entries) if (e.at < min) min = e.at;
      return min;
    }
    return log.entries.map((e) => e.at).sort((a, b) => a - b)[k]!;
  }
}

// The same log in Redis, atomic across replicas: a sorted set of slots scored by their stamps, the spacing
// schedule next to it (KEYS[3]) and a 429's pause (KEYS[2]). Stamps and the schedule are in Redis's clock.

/** The time in ms and in whole µs: Redis's own (TIME), or the one given (a test replaying a schedule). */
const CLOCK = `
local function clock(given)
  if given ~= '' then
    local ms = tonumber(given)
    return ms, ms * 1000
  end
  local t = redis.call('TIME')
  local micros = tonumber(t[1]) * 1000000 + tonumber(t[2])
  return micros / 1000, micros
end
`;

const TAKE = `${CLOCK}
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local now, micros = clock(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local step = tonumber(ARGV[5])
local tolerance = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
end
local nxt = tonumber(redis.call('GET', KEYS[3]) or '')
if nxt and n >= math.floor(limit / 2) then
  local gap = nxt - tolerance - micros
  if gap > 0 then return math.ceil(gap / 1000) end
  nxt = math.max(nxt, micros - tolerance) + step
else
  nxt = micros + step
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('SET', KEYS[3], string.format('%.0f', nxt), 'PX', window * 2)
return 0
`;

/** Re-stamps slot ARGV[3] with the moment ARGV[2] ms before now (Redis's clock, or ARGV[1]'s). */
const SETTLE = `${CLOCK}
local at = clock(ARGV[1]) - tonumber(ARGV[2])
if redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', at, ARGV[3]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 0
`;

const PAUSE = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
`;

/** PAUSE, only when fewer than ARGV[4] slots are in the last ARGV[3] ms (Redis's clock, or ARGV[2]'s). */
const PAUSE_UNLESS_FULL = `${CLOCK}
local now = clock(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

export interface RedisWindowOptions {
  /**
   * The clock the scripts stamp and compare in. @default Redis's own (TIME), the one clock every replica shares;
   * a test passes a synthetic clock to replay a schedule.
   */
  readonly clock?: () => number;
}

/** Redis-backed windows, falling back to `local` (this process's own log) while Redis is unreachable. */
export class RedisWindowStore implements WindowStore {
  private readonly local = new MemoryWindowStore();

  constructor(
    private readonly link: RedisLink,
    private readonly keyOf: (key: string) => string,
    private readonly options: RedisWindowOptions = {},
  ) {}

  /** The scripts' clock argument: empty for Redis's own. */
  private clock(): number | string {
    return this.options.clock?.() ?? "";
  }

  take(key: string, limit: number, windowMs: number, now: number): Promise<Take> {
    const slot = nodeCrypto().randomUUID();
    return this.link.run(
      async (redis) => {
        const keys = [this.keyOf(`qps:${key}`), this.keyOf(`pause:${key}`), this.keyOf(`next:${key}`)];
        const { step, tolerance } = spacingMicros(limit, windowMs);
        const wait = Number(await redis.eval(TAKE, 3, ...keys, this.clock(), windowMs, limit, slot, step, tolerance));
        return wait === 0 ? { wait, slot } : { wait };
      },
      () => this.local.takeSync(key, limit, windowMs, now),
    );
  }

  async settle(key: string, slot: SlotId, at: number, windowMs: number, now: number): Promise<void> {
    // Slots taken while Redis was down live in the local log (numeric ids).
    if (typeof slot === "number") return this.local.settleSync(key, slot, at);
    // `at` goes as how long ago it was (in the caller's clock), stamped that long before the script runs (in Redis's):
    // a little later than `at` by the trip to Redis, which only holds the slot that much longer.
    const ago = Math.max(0, now - at);
    await this.link.run(
      async (redis) => void (await redis.eval(SETTLE, 1, this.keyOf(`qps:${key}`), this.clock(), ago, slot, windowMs * 2)),
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

  async pauseUnlessFull(key: string, limit: number, windowMs: number, until: number, now: number): Promise<void> {
    if (until <= now) return;
    await this.link.run(
      async (redis) =>
        void (await redis.eval(PAUSE_UNLESS_FULL, 2, this.keyOf(`pause:${key}`), this.keyOf(`qps:${key}`), Math.ceil(until - now), this.clock(), windowMs, limit)),
      () => this.local.pauseUnlessFull(key, limit, windowMs, until, now),
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
