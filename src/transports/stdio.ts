import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Logger } from "../logger.js";
import { CallTracker } from "./calls.js";

export interface StdioOptions {
  /** The server's running calls; on shutdown they may finish for up to `drainTimeoutMs`. */
  readonly calls?: CallTracker;
  /** @default 10 s */
  readonly drainTimeoutMs?: number;
}

/**
 * Serves one MCP session on stdin/stdout. stdout carries only JSON-RPC; logs go to stderr.
 * On SIGINT, SIGTERM or stdin EOF: no new calls, running calls finish (up to the drain timeout) or
 * are answered with an error saying whether they had reached Zoom, then the process exits.
 */
export async function serveStdio(server: Server, logger: Logger, options: StdioOptions = {}): Promise<void> {
  const transport = new StdioServerTransport();
  const calls = options.calls ?? new CallTracker();
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) {
      if (reason !== "stdin closed") process.exit(1);
      return;
    }
    closing = true;
    logger.info({ reason, inFlightCalls: calls.size }, "shutting down");
    void calls
      .drain(options.drainTimeoutMs ?? 10_000)
      .then((result) => {
        if (result.stopped) logger.warn(result, "stopped calls that did not finish within the drain timeout");
      })
      // The answers were queued on stdout; let them flush before closing.
      .then(() => new Promise<void>((resolve) => (process.stdout.writableLength ? process.stdout.once("drain", () => resolve()) : setImmediate(resolve))))
      .then(() => server.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.stdin.once("end", () => shutdown("stdin closed"));
  await server.connect(transport);
  logger.info("serving MCP on stdio");
}
