/** Listing entries whose schema is JSON text (src/tools/listing-text.ts): written as JSON.stringify would, without parsing the text. */
import type { JSONRPCMessage, Tool } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { listingEntry, serializeWithText } from "../src/tools/listing-text.js";
import { catalog } from "./helpers/catalog.js";

const schema = { type: "object", properties: { meetingId: { type: "string", description: "Meeting \"ID\" \u2014 digits" } }, required: ["meetingId"], additionalProperties: false } as Tool["inputSchema"];

describe("a listing entry with its schema as text", () => {
  it("is written exactly as JSON.stringify writes the same entry built as an object, without parsing the schema", () => {
    let parses = 0;
    const fields = { name: "get_meeting", title: "Get a meeting", description: "Shows one meeting.", annotations: { title: "Get a meeting", readOnlyHint: true } };
    const entry = listingEntry(fields, JSON.stringify(schema), () => (parses++, schema));
    const plain = { name: "get_meeting", title: "Get a meeting", description: "Shows one meeting.", inputSchema: schema, annotations: fields.annotations };
    const message = { jsonrpc: "2.0", id: 7, result: { tools: [entry, plain], nextCursor: "x" } } as unknown as JSONRPCMessage;
    const line = serializeWithText(message)!;
    expect(parses).toBe(0);
    expect(line).toBe(`${JSON.stringify({ jsonrpc: "2.0", id: 7, result: { tools: [plain, plain], nextCursor: "x" } })}\n`);
  });

  it("reads as an ordinary entry: the schema is parsed once, when something asks for it", () => {
    let parses = 0;
    const entry = listingEntry({ name: "t", description: "d" }, JSON.stringify(schema), () => (parses++, schema));
    expect(Object.keys(entry)).toEqual(["name", "description", "inputSchema"]);
    expect(JSON.parse(JSON.stringify(entry))).toEqual({ name: "t", description: "d", inputSchema: schema });
    expect(entry.inputSchema).toBe(entry.inputSchema);
    expect(parses).toBe(1);
  });

  it("leaves every other message to the usual serialisation", () => {
    expect(serializeWithText({ jsonrpc: "2.0", id: 1, result: { tools: [{ name: "a", inputSchema: schema }] } } as unknown as JSONRPCMessage)).toBeUndefined();
    expect(serializeWithText({ jsonrpc: "2.0", method: "notifications/tools/list_changed" } as JSONRPCMessage)).toBeUndefined();
  });

  it("holds every catalog tool's listed schema as the text of that schema", () => {
    for (const tool of catalog.tools.slice(0, 50)) {
      const entry = listingEntry({ name: tool.name, description: tool.description }, JSON.stringify(tool.listedSchema), () => tool.listedSchema as Tool["inputSchema"]);
      const line = serializeWithText({ jsonrpc: "2.0", id: 1, result: { tools: [entry] } } as unknown as JSONRPCMessage)!;
      expect(JSON.parse(line).result.tools[0].inputSchema, tool.name).toEqual(tool.listedSchema);
    }
  });
});
