import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Logger } from "../logger.js";

/** Serves one MCP session on stdin/stdout. stdout carries only JSON-RPC; logs go to stderr. */
export async function serveStdio(server: Server, logger: Logger): Promise<void> {
  const transport = new StdioServerTransport();
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, "shutting down");
    void server.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.stdin.once("end", () => shutdown("stdin closed"));
  await server.connect(transport);
  logger.info("serving MCP on stdio");
}
