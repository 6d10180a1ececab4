/**
 * Redis for the tests: the machine's (127.0.0.1:6379), or a redis-server of our own on a free port.
 * `redisUnavailable()` says why Redis tests cannot run, so they skip with that reason (and fail in CI).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

async function ping(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** The Redis the sharing tests use: ZOOM_MCP_TEST_REDIS_URL, else the machine's on 127.0.0.1:6379. */
export const TEST_REDIS_URL = process.env.ZOOM_MCP_TEST_REDIS_URL || DEFAULT_REDIS_URL;

/** Why tests needing a running Redis cannot run here, or undefined when they can. */
export async function sharedRedisUnavailable(): Promise<string | undefined> {
  if (await ping(TEST_REDIS_URL)) return undefined;
  return `nothing answers on ${TEST_REDIS_URL}; start one (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no), as .ci/run does`;
}

/** Why tests that start their own redis-server cannot run here, or undefined when they can. */
export function ownRedisUnavailable(): string | undefined {
  return hasRedisServer() ? undefined : "redis-server is not installed (not on PATH); install Redis (e.g. apt-get install redis-server) to run them";
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A redis-server of this test's own, on a free port; `kill` stops it hard, `start` brings it back on the same port. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (!this.port) this.port = await freePort();
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const deadline = Date.now() + 5000;
    while (!(await ping(this.url, 200))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this;
  }

  async kill(): Promise<void> {
    const child = this.child;
    // Already gone (a process killed by a signal has no exit code, only the signal).
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }
}
