/**
 * In-flight tool calls, for graceful shutdown and for what a user should see while a call runs.
 *
 * Every tool call gets a `CallScope`, handed down with the call (ExecuteContext, SendOptions), so
 * code deep in the HTTP core can say "this call has now been sent to Zoom" (`markSent`) or tell the
 * user something (`notice`: retries, rate-limit waits, token refreshes). It is passed explicitly
 * rather than kept in an AsyncLocalStorage: on Node 20 an active AsyncLocalStorage puts a hook on
 * every promise in the process, which cost 0.1-0.2 ms a call. The tracker knows every running call:
 * on shutdown it stops taking new ones, waits for the running ones up to a drain timeout, then
 * answers each remaining call with an error that says whether its request had already been sent to Zoom.
 */

/** MCP logging levels (RFC 5424 severities), lowest first. */
export const LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where a call's notices go: the MCP server turns them into notifications/message. Never given secrets. */
export type NoticeSink = (level: LogLevel, message: string) => void;

/** What code running for one call can tell about it. */
export interface CallScope {
  /** The HTTP core calls this right before each attempt. */
  markSent(): void;
  /** Tells the user of this call something worth seeing. */
  notice(level: LogLevel, message: string): void;
}

class CallContext implements CallScope {
  /** True once at least one attempt of this call's request has been handed to the network (or the sandbox). */
  sent = false;
  constructor(private readonly notify: NoticeSink | undefined) {}
  markSent(): void {
    this.sent = true;
  }
  notice(level: LogLevel, message: string): void {
    this.notify?.(level, message);
  }
}

/** Why a call was stopped, as the client will read it. */
export interface Stopped {
  /** Whether the request had been sent to Zoom (so it may have taken effect). */
  readonly sent: boolean;
  /** False when the call was refused before it started (the server was already shutting down). */
  readonly started: boolean;
}

interface Running {
  readonly ctx: CallContext;
  readonly controller: AbortController;
  stop(): void;
}

export class CallTracker {
  private readonly running = new Set<Running>();
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  /** Calls running now. */
  get size(): number {
    return this.running.size;
  }

  get accepting(): boolean {
    return !this.closed;
  }

  /**
   * Runs one call. `work` gets a signal that aborts when the client cancels (`signal`) or the server
   * stops the call, and the call's scope to pass down; if the server stops it, the call resolves with
   * `stopped(...)` right away instead of waiting for `work`.
   */
  run<T>(signal: AbortSignal | undefined, notify: NoticeSink | undefined, work: (signal: AbortSignal, scope: CallScope) => Promise<T>, stopped: (why: Stopped) => T): Promise<T> {
    if (this.closed) return Promise.resolve(stopped({ sent: false, started: false }));
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener("abort", onAbort, { once: true });
    const ctx = new CallContext(notify);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = () => {
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        this.running.delete(entry);
        if (this.running.size === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const wake of waiters) wake();
        }
      };
      const entry: Running = {
        ctx,
        controller,
        stop: () => {
          if (settled) return;
          finish();
          controller.abort(new Error("zoom-mcp is shutting down"));
          resolve(stopped({ sent: ctx.sent, started: true }));
        },
      };
      this.running.add(entry);
      work(controller.signal, ctx).then(
        (value) => {
          if (settled) return;
          finish();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          finish();
          reject(error);
        },
      );
    });
  }

  /** Resolves when no call is running. */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking new calls, waits up to `timeoutMs` for the running ones, then stops the rest.
   * Returns how many finished on their own and how many were stopped.
   */
  async drain(timeoutMs: number): Promise<{ finished: number; stopped: number }> {
    this.closed = true;
    const atStart = this.running.size;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    const left = [...this.running];
    for (const call of left) call.stop();
    return { finished: atStart - left.length, stopped: left.length };
  }
}

/** The answer a stopped call gets: what happened, and whether it is safe to send again. */
export function stoppedMessage(why: Stopped): string {
  if (!why.started) return "zoom-mcp is shutting down and did not start this call. Nothing was sent to Zoom; it is safe to call again (on another instance, or after the restart).";
  return why.sent
    ? "zoom-mcp shut down before this call finished. Its request had already been sent to Zoom, so it may have taken effect: check (for example with a get_ or list_ tool) before calling again."
    : "zoom-mcp shut down before this call finished. Its request had not been sent to Zoom yet, so nothing changed; it is safe to call again (on another instance, or after the restart).";
}
