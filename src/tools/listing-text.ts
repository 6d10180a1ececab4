/**
 * tools/list entries whose input schema is already JSON text. The catalog's start index keeps each
 * tool's listed schema as text (src/catalog/load.ts), because parsing 433 KB of schemas into objects
 * and serialising them again was a fifth of what a start with all tools spends beyond the SDK's own.
 *
 * An entry here is an ordinary object: `inputSchema` is a getter that parses the text on first
 * access, so an in-memory client, the SDK's HTTP transport and JSON.stringify all see the schema as
 * usual. Only a transport that asks (`serializeWithText`, used by our stdio transport) writes the text
 * as it is, and the schema is then never parsed.
 */
import type { JSONRPCMessage, Tool } from "@modelcontextprotocol/sdk/types.js";

/** Each entry made here, with its input schema's JSON text. */
const SCHEMA_TEXT = new WeakMap<object, string>();

/** A listing entry from its fields and its input schema's JSON text; `parse` gives the schema as an object when something reads it. */
export function listingEntry(fields: Omit<Tool, "inputSchema">, schemaText: string, parse: () => Tool["inputSchema"]): Tool {
  const { annotations, ...head } = fields;
  const entry = { ...head } as Tool;
  let parsed: Tool["inputSchema"] | undefined;
  // Defined here so that the keys keep the order of an entry built as an object literal.
  Object.defineProperty(entry, "inputSchema", { get: () => (parsed ??= parse()), enumerable: true, configurable: true });
  if (annotations !== undefined) (entry as { annotations?: Tool["annotations"] }).annotations = annotations;
  SCHEMA_TEXT.set(entry, schemaText);
  return entry;
}

/** Stands for the tools array while the rest of the message is serialised. The catalog holds no NUL. */
const PLACEHOLDER = "\u0000zoom-mcp: tools\u0000";
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

/**
 * The message as one JSON line, with the schema text of entries made by `listingEntry` written as it
 * is; undefined when the message holds none (serialise it as usual). The result equals JSON.stringify's.
 */
export function serializeWithText(message: JSONRPCMessage): string | undefined {
  const result = (message as { result?: { tools?: unknown } }).result;
  const tools = result?.tools;
  if (!Array.isArray(tools) || !tools.some((tool) => SCHEMA_TEXT.has(tool as object))) return undefined;
  const listed = `[${tools.map((tool) => entryText(tool as Tool)).join(",")}]`;
  const rest = JSON.stringify({ ...message, result: { ...result, tools: PLACEHOLDER } });
  const at = rest.indexOf(PLACEHOLDER_JSON);
  return `${rest.slice(0, at)}${listed}${rest.slice(at + PLACEHOLDER_JSON.length)}\n`;
}

/** One entry as JSON.stringify would write it, reading its schema as text when it has one. */
function entryText(tool: Tool): string {
  const text = SCHEMA_TEXT.get(tool);
  if (text === undefined) return JSON.stringify(tool);
  const parts: string[] = [];
  for (const key of Object.keys(tool)) {
    if (key === "inputSchema") {
      parts.push(`"inputSchema":${text}`);
      continue;
    }
    const value = JSON.stringify((tool as unknown as Record<string, unknown>)[key]);
    if (value !== undefined) parts.push(`${JSON.stringify(key)}:${value}`);
  }
  return `{${parts.join(",")}}`;
}
