// Baseline for the cold-start benchmark: the smallest useful SDK server, one tool, started the same way.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "one-tool", version: "1.0.0" });
server.registerTool("echo", { title: "Echo", description: "Echo a string.", inputSchema: { text: z.string().describe("Text.") } }, async ({ text }) => ({
  content: [{ type: "text", text }],
}));
await server.connect(new StdioServerTransport());
