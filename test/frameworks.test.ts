/**
 * Every tool through the agent frameworks themselves (issue 9 §4), over stdio from dist/index.js
 * with `--sandbox --toolsets all`: LangChain's MCP adapters (MultiServerMCPClient), the AI SDK's
 * MCP client (`tools()`), and the OpenAI Agents SDK (MCPServerStdio, each tool converted with
 * `mcpToFunctionTool(..., convertSchemasToStrict = true)`, the function getAllMcpTools uses). Each
 * must load all 373 tools, the Agents SDK must convert every one to strict mode with no fallback,
 * and a get_meeting call with the numeric ID a sandbox list_meetings returned must work through
 * each framework's own tool object.
 */
import { createMCPClient } from "@ai-sdk/mcp";
import { Experimental_StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { MCPServerStdio, mcpToFunctionTool, RunContext } from "@openai/agents";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { portabilityProblems } from "../src/catalog/portable.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const ARGS = [ENTRY, "--sandbox", "--toolsets", "all"];
const ENV = { PATH: process.env.PATH ?? "", LOG_LEVEL: "error" };
const TOOL_COUNT = 373;

/** The first meeting's numeric ID from a list_meetings answer (text or JSON). */
function firstMeetingId(text: string): number {
  const match = /\\?"id\\?"\s*:\s*(\d{6,})/.exec(text);
  if (!match) throw new Error(`no numeric meeting id in list_meetings answer: ${text.slice(0, 300)}`);
  const id = Number(match[1]);
  expect(Number.isSafeInteger(id)).toBe(true);
  return id;
}

const textOf = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** Each framework's own form of every tool schema still keeps the portability rules. */
function expectPortable(schemas: Array<[string, unknown]>): void {
  const broken = schemas.flatMap(([name, schema]) => portabilityProblems(schema).map((p) => `${name} ${p.rule} ${p.path}`));
  expect(broken.length, broken.slice(0, 5).join("\n")).toBe(0);
}

/** A call that reached the (sandbox) API: not refused by the framework or by our validation. */
function expectAnswered(answer: unknown): void {
  const text = textOf(answer);
  expect(text).not.toMatch(/Invalid arguments|Nothing was sent|must be|expected string/i);
  // The sandbox answers like Zoom: a meeting that never ended has no past-meeting record (404).
  if (/isError\\?"\s*:\s*true/.test(text)) expect(text).toContain("Zoom returned HTTP");
}

/** The meeting answer names the meeting asked for, and is not an error. */
function expectMeeting(answer: unknown, id: number): void {
  const text = textOf(answer);
  expect(text).not.toMatch(/isError\\?"\s*:\s*true|Invalid arguments|Nothing was sent/);
  expect(text).toMatch(new RegExp(`\\\\?"id\\\\?"\\s*:\\s*${id}\\b`));
}

describe("agent frameworks load every tool and call with numeric IDs", () => {
  it("LangChain MCP adapters", async () => {
    const client = new MultiServerMCPClient({
      throwOnLoadError: true,
      mcpServers: { zoom: { transport: "stdio", command: process.execPath, args: ARGS, env: ENV } },
    });
    try {
      const tools = await client.getTools();
      expect(tools).toHaveLength(TOOL_COUNT);
      // LangChain simplifies schemas itself (a non-object anyOf, such as an ID's integer-or-string, becomes
      // untyped), so its converted form is not checked against our rules; what we serve is, below.
      const byName = new Map(tools.map((t) => [t.name, t]));
      const list = await byName.get("list_meetings")!.invoke({ userId: "me" });
      const id = firstMeetingId(textOf(list));
      expectMeeting(await byName.get("get_meeting")!.invoke({ meetingId: id }), id);
      // A meeting ID the spec types as a string (it also takes a UUID) takes the number too.
      // LangChain throws a tool's error result (a ToolException): the message is the answer.
      expectAnswered(await byName.get("get_past_meeting")!.invoke({ meetingId: id }).catch((e: Error) => `{"isError":true} ${e.message}`));
    } finally {
      await client.close();
    }
  }, 30_000);

  it("AI SDK MCP client", async () => {
    const client = await createMCPClient({ transport: new Experimental_StdioMCPTransport({ command: process.execPath, args: ARGS, env: ENV }) });
    try {
      const tools = await client.tools();
      expect(Object.keys(tools)).toHaveLength(TOOL_COUNT);
      expect(Object.keys(tools)).toContain("get_meeting");
      expectPortable(Object.entries(tools).map(([name, t]) => [name, (t.inputSchema as { jsonSchema: unknown }).jsonSchema]));
      const options = { toolCallId: "call-1", messages: [] };
      const list = await tools.list_meetings!.execute!({ userId: "me" }, options);
      const id = firstMeetingId(textOf(list));
      expectMeeting(await tools.get_meeting!.execute!({ meetingId: id }, { ...options, toolCallId: "call-2" }), id);
      expectAnswered(await tools.get_past_meeting!.execute!({ meetingId: id }, { ...options, toolCallId: "call-3" }));
    } finally {
      await client.close();
    }
  }, 30_000);

  it("OpenAI Agents SDK, strict mode", async () => {
    const server = new MCPServerStdio({ name: "zoom", command: process.execPath, args: ARGS, env: ENV, cacheToolsList: true });
    await server.connect();
    try {
      const listed = await server.listTools();
      expect(listed).toHaveLength(TOOL_COUNT);
      const tools = listed.map((t) => mcpToFunctionTool(t, server, true));
      const fallbacks = tools.filter((t) => !t.strict).map((t) => t.name);
      expect(fallbacks).toEqual([]);
      expectPortable(tools.map((t) => [t.name, t.parameters]));
      const byName = new Map(tools.map((t) => [t.name, t]));
      const context = new RunContext();
      // A strict-mode model sends every key, null for the ones it leaves out.
      const strictArgs = (name: string, given: Record<string, unknown>) =>
        JSON.stringify(Object.fromEntries(Object.keys((byName.get(name)!.parameters as { properties: object }).properties).map((k) => [k, k in given ? given[k] : null])));
      const list = await byName.get("list_meetings")!.invoke(context, strictArgs("list_meetings", { userId: "me" }));
      const id = firstMeetingId(textOf(list));
      expectMeeting(await byName.get("get_meeting")!.invoke(context, strictArgs("get_meeting", { meetingId: id })), id);
      expectAnswered(await byName.get("get_past_meeting")!.invoke(context, strictArgs("get_past_meeting", { meetingId: id })));
    } finally {
      await server.close();
    }
  }, 30_000);
});
