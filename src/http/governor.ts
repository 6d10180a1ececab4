/**
 * The rate governor: every call to Zoom takes a slot from its label's budget before it goes out, so a
 * burst queues here instead of collecting 429s from Zoom (whose limits are per account, shared with
 * every other app on it). Per label there is one FIFO queue; a call that waits is told why (progress),
 * leaves the queue when it is cancelled, and gives up when its wait budget runs out.
 *
 * It also counts the daily caps (per label group, and Zoom's 100 meeting or webinar creates and
 * updates per host) and refuses a call that would pass one before anything is sent, naming the cap
 * and the reset time. It learns from Zoom's answers: X-RateLimit-Limit of a QPS label replaces the
 * plan's number, X-RateLimit-Remaining 0 holds that label for one spacing step when our own log does
 * not explain it (other apps share the account), every 429 holds it until its Retry-After, and a
 * daily 429 marks that cap used up until 00:00 UTC.
 *
 * A slot counts from when Zoom can at the latest have counted its request: when its answer is read.
 * (Counting from the send, or from the answer less a measured round trip, was tried and refused: when
 * a burst floods this process, requests leave late and the round trip is mostly our own delay before
 * sending, so such a stamp can fall before Zoom saw the request, and the next window 429s.)
 * When a slot is free and nobody queues, a call passes without a timer or a promise.
 */
import { envName } from "../config.js";
import type { Logger } from "../logger.js";
import type { RateLimitLabel } from "../tools/define.js";
import type { DailyStore, SlotId, Take, WindowStore } from "./governor-store.js";
import { DAILY_CAPS, type DailyCap, DEFAULT_LABEL, HOST_WRITES_PER_DAY, hostWriteOf, LABELS, nextUtcMidnight, QPS_LIMITS, utcDay, type HostWrite, type Plan, type WindowLimit } from "./plans.js";
import type { RateLimitInfo } from "./rate-limit.js";

export interface GovernorOptions {
  readonly plan: Plan;
  /** Requests per window for single labels (per second; per minute for Resource-intensive). */
  readonly overrides?: Partial<Record<RateLimitLabel, number>>;
  readonly windows: WindowStore;
  readonly daily: DailyStore;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Added to each window, for clock granularity and Zoom's own rounding. @default 0.5% of the window + 5 ms
   */
  readonly marginMs?: (windowMs: number) => number;
  /** How often a waiting call is told it still waits. @default 1000 */
  readonly progressEveryMs?: number;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal;
  /** How long this call may still wait, in ms; past it the call fails with what it waited for. */
  readonly budgetMs: number;
  /** Told, at most once a second after the first second, what the call waits for and for how long. */
  readonly onWait?: (waitMs: number, reason: string) => void;
}

export type Gate =
  | { readonly ok: true; readonly waitedMs: number }
  | { readonly ok: false; readonly kind: "aborted" | "rate_limit"; readonly message: string; readonly rateLimit?: RateLimitInfo };

interface Waiter {
  readonly seq: number;
  readonly enqueuedAt: number;
  readonly deadline: number;
  readonly onWait?: AcquireOptions["onWait"];
  notifiedAt: number;
  settle: (outcome: "granted" | "budget", slot?: SlotId) => void;
}

const MAX_REMEMBERED_ITEMS = 10_000;
const GRANTED: Gate = Object.freeze({ ok: true as const, waitedMs: 0 });
const noop = () => undefined;

export class Governor {
  private readonly lanes = new Map<RateLimitLabel, Lane>();
  private readonly learned = new Map<RateLimitLabel, number>();
  /** Which host key a meeting or webinar was created under, so its updates count against that host. */
  private readonly itemHosts = new Map<string, string>();
  private readonly pauses = new Map<RateLimitLabel, number>();
  private readonly caps = new Map<RateLimitLabel, ReadonlyArray<{ key: string; limit: number; name: string }>>();
  private seq = 0;

  constructor(readonly options: GovernorOptions) {
    for (const label of LABELS) {
      const caps = DAILY_CAPS[options.plan].filter((c: DailyCap) => c.labels.includes(label));
      this.caps.set(label, caps.map((c) => ({ key: `cap:${c.name}`, limit: c.limit, name: c.name })));
    }
  }

  /** The daily caps a label's calls count against on this plan. */
  capsOf(label: RateLimitLabel): ReadonlyArray<{ key: string; limit: number; name: string }> {
    return this.caps.get(label) ?? [];
  }

  /** Zoom said a label's window is spent: hold it one step, unless our own log already explains it. */
  async pauseUnlessFull(label: RateLimitLabel, stepMs: number): Promise<void> {
    const { now, windows } = this.options;
    const { limit, windowMs } = this.limitOf(label);
    const t = now();
    await windows.pauseUnlessFull(label, limit, windowMs + this.marginOf(windowMs), t + stepMs, t).catch(noop);
  }

  /** Holds every call of `label` until `until` (shared through the store across replicas). */
  async pause(label: RateLimitLabel, until: number): Promise<void> {
    if ((this.pauses.get(label) ?? 0) < until) this.pauses.set(label, until);
    await this.options.windows.pause(label, until, this.options.now()).catch(() => undefined);
  }

  pausedUntil(label: RateLimitLabel): number {
    return this.pauses.get(label) ?? 0;
  }

  /** One call's passage: take `acquire` before each attempt and report what Zoom answered. */
  ticket(method: string, path: string, label: RateLimitLabel | undefined): Ticket {
    return new Ticket(this, ++this.seq, method, path, label ?? DEFAULT_LABEL);
  }

  marginOf(windowMs: number): number {
    return this.options.marginMs ? this.options.marginMs(windowMs) : Math.round(windowMs * 0.005) + 5;
  }

  limitOf(label: RateLimitLabel): WindowLimit {
    const plan = QPS_LIMITS[this.options.plan][label];
    const limit = this.options.overrides?.[label] ?? this.learned.get(label) ?? plan.limit;
    return { limit, windowMs: plan.windowMs };
  }

  lane(label: RateLimitLabel): Lane {
    let lane = this.lanes.get(label);
    if (!lane) this.lanes.set(label, (lane = new Lane(this, label)));
    return lane;
  }

  /** Queue lengths and limits in force, for /healthz. */
  status(): Record<string, unknown> {
    return {
      plan: this.options.plan,
      labels: Object.fromEntries(
        LABELS.map((label) => {
          const { limit, windowMs } = this.limitOf(label);
          return [label, { limit, per: windowMs === 1000 ? "second" : "minute", queued: this.lanes.get(label)?.length ?? 0 }];
        }),
      ),
    };
  }

  learn(label: RateLimitLabel, limit: number): void {
    if (this.options.overrides?.[label] !== undefined || this.learned.get(label) === limit) return;
    this.learned.set(label, limit);
    this.options.logger.info({ label, limit, plan: QPS_LIMITS[this.options.plan][label].limit }, "Zoom's X-RateLimit-Limit differs from the plan's number; using Zoom's");
  }

  hostKeyOf(write: HostWrite): string {
    if (write.by === "user") return `${write.kind}:user:${write.id}`;
    return this.itemHosts.get(`${write.kind}:${write.id}`) ?? `${write.kind}:item:${write.id}`;
  }

  rememberItem(kind: string, id: string, hostKey: string): void {
    const key = `${kind}:${id}`;
    this.itemHosts.delete(key);
    this.itemHosts.set(key, hostKey);
    if (this.itemHosts.size > MAX_REMEMBERED_ITEMS) this.itemHosts.delete(this.itemHosts.keys().next().value!);
  }
}

export class Ticket {
  private admitted = false;
  private charged: Array<{ key: string; limit: number; day: string }> = [];
  private readonly write: HostWrite | undefined;
  /** The budget slot of the attempt in flight (re-stamped when Zoom answers) and its window. */
  private slotId: SlotId | undefined;
  private slotWindowMs = 0;

  constructor(
    private readonly gov: Governor,
    private readonly seq: number,
    readonly method: string,
    readonly path: string,
    private readonly label: RateLimitLabel,
  ) {
    this.write = method === "POST" || method === "PATCH" ? hostWriteOf(method, path) : undefined;
  }

  /**
   * Waits for a slot in this call's label budget; on the first attempt, also checks the daily caps.
   * Answers at once, without a promise, when a slot is free, nobody queues and no daily count is due.
   */
  acquire(options: AcquireOptions): Gate | Promise<Gate> {
    if (options.signal?.aborted) return aborted();
    // A previous attempt that got no answer (a dropped connection): its slot counts from now.
    if (this.slotId !== undefined) this.settleSlot();
    if (!this.admitted) {
      if (this.write || this.gov.capsOf(this.label).length) return this.queued(options);
      this.admitted = true;
    }
    const slot = this.gov.lane(this.label).tryNow();
    if (slot === undefined) return this.queued(options);
    this.hold(slot);
    return GRANTED;
  }

  private async queued(options: AcquireOptions): Promise<Gate> {
    const { now } = this.gov.options;
    if (!this.admitted) {
      const refusal = await this.admit();
      if (refusal) return refusal;
      this.admitted = true;
    }
    const started = now();
    const { outcome, slot } = await this.gov.lane(this.label).wait(this.seq, started, options);
    if (outcome === "granted") {
      if (slot !== undefined) this.hold(slot);
      return { ok: true, waitedMs: now() - started };
    }
    await this.refund();
    if (outcome === "aborted") return aborted();
    const { limit, windowMs } = this.gov.limitOf(this.label);
    const waited = Math.round((now() - started) / 1000);
    const per = windowMs === 1000 ? "second" : "minute";
    const queued = this.gov.lane(this.label).length;
    return {
      ok: false,
      kind: "rate_limit",
      message:
        `zoom-mcp did not send this call: it waited ${waited} s in the queue for Zoom's ${this.label} rate limit (${limit} per ${per}) and its wait budget ran out ` +
        `(${envName("rateLimitWaitMs")}, within the call's deadline ${envName("callTimeoutMs")}). It is safe to call again. ` +
        `${queued ? `${queued} more ${this.label} ${queued === 1 ? "call is" : "calls are"} still queued: ` : ""}send fewer ${this.label} calls at once (about ${limit} per ${per} go through), or try again shortly.`,
      rateLimit: { kind: "qps", category: this.label },
    };
  }

  private hold(slot: SlotId): void {
    const { windowMs } = this.gov.limitOf(this.label);
    this.slotId = slot;
    this.slotWindowMs = windowMs + this.gov.marginOf(windowMs);
  }

  /** Re-stamps the slot in flight with now: when Zoom's answer was read, or when the next attempt starts after none came. */
  private settleSlot(): void {
    const id = this.slotId!;
    this.slotId = undefined;
    const { windows, now } = this.gov.options;
    const at = now();
    if (windows.settleSync) windows.settleSync(this.label, id, at);
    else void windows.settle(this.label, id, at, this.slotWindowMs, at).catch(noop);
  }

  /** Learns from any answer's X-RateLimit-* headers. */
  observe(headers: Headers): void {
    if (this.slotId !== undefined) this.settleSlot();
    const type = headers.get("x-ratelimit-type");
    if (type === null || !/^\s*qps\s*$/i.test(type)) return;
    const category = labelOf(headers.get("x-ratelimit-category"));
    if (!category) return;
    const limit = Number(headers.get("x-ratelimit-limit"));
    if (Number.isInteger(limit) && limit > 0) this.gov.learn(category, limit);
    const remaining = headers.get("x-ratelimit-remaining");
    if (remaining !== null && Number(remaining) === 0) {
      // Zoom says this window is spent. When our own slots fill it, that is no news; when they do not, other apps
      // share the account's budget: send nothing more before one spacing step.
      const { limit: l, windowMs } = this.gov.limitOf(category);
      void this.gov.pauseUnlessFull(category, Math.ceil(windowMs / l));
    }
  }

  /** A 429: hold the whole label until Zoom's Retry-After (or the backoff `pauseMs`), or mark a daily cap used up. */
  async limited(info: RateLimitInfo, pauseMs: number): Promise<void> {
    const { now, daily, logger } = this.gov.options;
    const label = labelOf(info.category ?? null) ?? this.label;
    if (info.kind === "qps") return this.gov.pause(label, now() + pauseMs);
    const reset = info.resetAt?.getTime() ?? nextUtcMidnight(now());
    const day = utcDay(now());
    const untilMs = reset - now();
    const keys = this.write && !info.category ? [{ key: `host:${this.gov.hostKeyOf(this.write)}`, limit: HOST_WRITES_PER_DAY }] : this.gov.capsOf(label);
    for (const { key, limit } of keys) await daily.exhaust(key, limit, day, untilMs);
    logger.warn({ label, keys: keys.map((k) => k.key), resetAt: new Date(reset).toISOString() }, "Zoom reports a daily limit used up; later calls against it fail at once until the reset");
  }

  /** A success: remember which host a new meeting or webinar belongs to. */
  succeeded(data: unknown): void {
    if (this.write?.by !== "user" || !data || typeof data !== "object") return;
    const id = (data as { id?: unknown }).id;
    if (typeof id === "number" || typeof id === "string") this.gov.rememberItem(this.write.kind, String(id), this.gov.hostKeyOf(this.write));
  }

  private async admit(): Promise<Gate | undefined> {
    const { now, daily, plan } = this.gov.options;
    const day = utcDay(now());
    const checks: Array<{ key: string; limit: number; what: string }> = [];
    if (this.write) {
      const host = this.gov.hostKeyOf(this.write);
      const who = this.write.by === "user" ? `host ${JSON.stringify(this.write.id)}` : `the host of ${this.write.kind} ${this.write.id}`;
      checks.push({ key: `host:${host}`, limit: HOST_WRITES_PER_DAY, what: `daily limit of ${HOST_WRITES_PER_DAY} ${this.write.kind} creates and updates for ${who}` });
    }
    for (const cap of this.gov.capsOf(this.label)) checks.push({ key: cap.key, limit: cap.limit, what: `${cap.name} daily limit (${cap.limit} calls a day on the ${plan} plan)` });
    for (const check of checks) {
      const verdict = await daily.take(check.key, check.limit, day);
      if (!verdict.ok) {
        await this.refund();
        const resetAt = new Date(nextUtcMidnight(now()));
        return {
          ok: false,
          kind: "rate_limit",
          message: `zoom-mcp did not send this call: Zoom's ${check.what} is used up. It resets at ${resetAt.toISOString()} (00:00 UTC); do not retry before then.`,
          rateLimit: { kind: "daily", category: this.label, resetAt, retryAfterMs: resetAt.getTime() - now() },
        };
      }
      this.charged.push({ key: check.key, limit: check.limit, day });
    }
    return undefined;
  }

  /** Gives back the daily counts of a call that never went out. */
  private async refund(): Promise<void> {
    const charged = this.charged;
    if (!charged.length) return;
    this.charged = [];
    for (const c of charged) await this.gov.options.daily.give(c.key, c.limit, c.day);
  }
}

/** One label's FIFO queue. A single pump hands out slots in order of each call's arrival. */
class Lane {
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(
    private readonly gov: Governor,
    private readonly label: RateLimitLabel,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** A slot at once, when nobody queues and the store answers in this process; else undefined (queue instead). */
  tryNow(): SlotId | undefined {
    const { windows, now } = this.gov.options;
    if (this.queue.length || this.pumping || !windows.takeSync) return undefined;
    const t = now();
    const { limit, windowMs } = this.gov.limitOf(this.label);
    const take = windows.takeSync(this.label, limit, windowMs + this.gov.marginOf(windowMs), t);
    return take.wait > 0 ? undefined : take.slot;
  }

  wait(seq: number, now: number, options: AcquireOptions): Promise<{ outcome: "granted" | "budget" | "aborted"; slot?: SlotId }> {
    return new Promise((resolve) => {
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        resolve({ outcome: "aborted" });
      };
      const waiter: Waiter = {
        seq,
        enqueuedAt: now,
        deadline: now + Math.max(0, options.budgetMs),
        ...(options.onWait ? { onWait: options.onWait } : {}),
        notifiedAt: now,
        settle: (outcome, slot) => {
          options.signal?.removeEventListener("abort", onAbort);
          resolve(slot !== undefined ? { outcome, slot } : { outcome });
        },
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      // Retries keep their place: the queue is ordered by when each call first arrived.
      let at = this.queue.length;
      while (at > 0 && this.queue[at - 1]!.seq > seq) at--;
      this.queue.splice(at, 0, waiter);
      if (!this.pumping) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    const { now, sleep, windows, logger } = this.gov.options;
    const every = this.gov.options.progressEveryMs ?? 1000;
    try {
      while (this.queue.length) {
        const t = now();
        const nextDeadline = this.dropExpired(t);
        if (!this.queue.length) break;
        const { limit, windowMs } = this.gov.limitOf(this.label);
        let take: Take;
        try {
          take = await windows.take(this.label, limit, windowMs + this.gov.marginOf(windowMs), t);
        } catch (error) {
          logger.warn({ err: (error as Error).message, label: this.label }, "rate budget store failed; letting the call through");
          take = { wait: 0 };
        }
        const wait = take.wait;
        if (wait <= 0) {
          this.queue.shift()?.settle("granted", take.slot);
          continue;
        }
        const after = now();
        this.tell(after, wait, limit, windowMs, every);
        const nap = Math.max(1, Math.min(wait, nextDeadline - after + 1, every));
        await sleep(nap).catch(() => undefined);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Fails the waiters whose budget ran out (in place, keeping the order); returns the nearest deadline left. */
  private dropExpired(t: number): number {
    let nearest = Infinity;
    let kept = 0;
    let expired: Waiter[] | undefined;
    for (const w of this.queue) {
      if (w.deadline < t) (expired ??= []).push(w);
      else {
        this.queue[kept++] = w;
        if (w.deadline < nearest) nearest = w.deadline;
      }
    }
    this.queue.length = kept;
    if (expired) for (const w of expired) w.settle("budget");
    return nearest;
  }

  /** Progress for calls that have waited over `every` ms: what they wait for and roughly how long. */
  private tell(t: number, wait: number, limit: number, windowMs: number, every: number): void {
    const per = windowMs === 1000 ? "second" : "minute";
    this.queue.forEach((w, ahead) => {
      if (!w.onWait || t - w.enqueuedAt < every || t - w.notifiedAt < every) return;
      w.notifiedAt = t;
      const eta = wait + Math.floor(ahead / limit) * windowMs;
      const why =
        this.gov.pausedUntil(this.label) > t
          ? `Waiting: Zoom signalled that the account's ${this.label} budget is spent, so ${this.label} calls hold until it frees (${ahead} queued ahead of this one); expected to go`
          : `Queued for Zoom's ${this.label} rate limit (${limit} per ${per}), ${ahead} ${ahead === 1 ? "call" : "calls"} ahead of this one; expected to go`;
      w.onWait(eta, why);
    });
  }
}

function aborted(): Gate {
  return { ok: false, kind: "aborted", message: "The call was cancelled." };
}

function labelOf(value: string | null): RateLimitLabel | undefined {
  if (!value) return undefined;
  if ((LABELS as readonly string[]).includes(value)) return value as RateLimitLabel;
  const v = value.trim().toLowerCase();
  return LABELS.find((l) => l.toLowerCase() === v);
}
