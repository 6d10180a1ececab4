/**
 * The optional Redis link (the redisUrl setting) that replicas share rate-limit budgets, daily counts
 * and the Server-to-Server token through. Redis is a helper, never a dependency of a call: every use
 * goes through `run(remote, local)`, which falls back to the local answer when Redis is unreachable,
 * logs one warning per outage and lets ioredis reconnect in the background.
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "./logger.js";

export type RedisState = "connecting" | "connected" | "unreachable";

export interface RedisHealth {
  readonly state: RedisState;
  /** The URL without its password. */
  readonly url: string;
  /** When the current outage began, if Redis is unreachable. */
  readonly downSince?: string;
  readonly lastError?: string;
}

export interface RedisLinkOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Prefix of every key; the account's hash is added below it. @default "zoom-mcp" */
  readonly prefix?: string;
  /** How long a call waits for the first connection before it uses its local budget. @default 2000 */
  readonly connectWaitMs?: number;
}

export class RedisLink {
  readonly client: Redis;
  private state: RedisState = "connecting";
  private downSince: number | undefined;
  private lastError: string | undefined;
  private warned = false;
  private readonly firstReady: Promise<void>;
  private readonly connectWaitMs: number;

  constructor(private readonly options: RedisLinkOptions) {
    this.connectWaitMs = options.connectWaitMs ?? 2000;
    this.client = new Redis(options.url, {
      // Fail commands at once while disconnected (the caller falls back to its local budget) instead of queueing them.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
      lazyConnect: false,
    });
    let resolveReady!: () => void;
    this.firstReady = new Promise((resolve) => (resolveReady = resolve));
    this.client.on("ready", () => {
      if (this.state === "unreachable") options.logger.info({ redis: this.safeUrl }, "Redis is reachable again; sharing budgets and the token through it");
      this.state = "connected";
      this.downSince = undefined;
      this.warned = false;
      resolveReady();
    });
    this.client.on("error", (error: Error) => this.markDown(error));
    this.client.on("end", () => this.markDown(new Error("connection closed")));
    this.client.on("close", () => {
      if (this.state === "connected") this.markDown(new Error("connection closed"));
    });
    // Give up waiting for the first connection after a while; calls then use local budgets.
    setTimeout(resolveReady, this.connectWaitMs).unref();
  }

  get safeUrl(): string {
    try {
      const u = new URL(this.options.url);
      if (u.password) u.password = "***";
      return u.toString();
    } catch {
      return "(unparseable URL)";
    }
  }

  /** A key below this deployment's prefix and the account, e.g. `zoom-mcp:<account hash>:qps:Light`. */
  key(account: string, ...parts: string[]): string {
    const hash = createHash("sha256").update(account).digest("hex").slice(0, 16);
    return [this.options.prefix ?? "zoom-mcp", hash, ...parts].join(":");
  }

  health(): RedisHealth {
    return {
      state: this.state,
      url: this.safeUrl,
      ...(this.downSince !== undefined ? { downSince: new Date(this.downSince).toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Runs `remote` on Redis; when Redis is unreachable or the command fails, answers with `local()`. */
  async run<T>(remote: (redis: Redis) => Promise<T>, local: () => T | Promise<T>): Promise<T> {
    if (this.client.status !== "ready" && this.state === "connecting") await this.firstReady;
    if (this.client.status === "ready") {
      try {
        return await remote(this.client);
      } catch (error) {
        this.markDown(error as Error);
      }
    } else {
      this.markDown(new Error(`not connected (${this.client.status})`));
    }
    return local();
  }

  async close(): Promise<void> {
    this.client.removeAllListeners("ready");
    this.client.disconnect();
  }

  private markDown(error: Error): void {
    this.lastError = error.message;
    if (this.state !== "unreachable") {
      this.state = "unreachable";
      this.downSince = Date.now();
    }
    if (!this.warned) {
      this.warned = true;
      this.options.logger.warn(
        { redis: this.safeUrl, err: error.message },
        "Redis is unreachable: rate limits and the token fall back to this process alone until it is back (reconnecting in the background)",
      );
    }
  }
}
