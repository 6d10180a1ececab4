import type { z } from "zod";
import { annotationsFor, type ToolAnnotations, type ToolSpec } from "./define.js";
import { generatedTools } from "./generated/index.js";
import { toInputJsonSchema } from "./json-schema.js";

/** Every catalog tool, in catalog order. */
export const allTools: readonly ToolSpec[] = generatedTools;

const byName = new Map(allTools.map((t) => [t.name, t]));

export function findTool(name: string): ToolSpec | undefined {
  return byName.get(name);
}

export const toolsets: readonly string[] = [...new Set(allTools.map((t) => t.toolset))];

const inputs = new WeakMap<ToolSpec, z.ZodObject>();
const jsonSchemas = new WeakMap<ToolSpec, Record<string, unknown>>();

/** The tool's zod input schema, built on first use: most sessions touch few of the 373 tools. */
export function inputSchemaOf(tool: ToolSpec): z.ZodObject {
  let schema = inputs.get(tool);
  if (!schema) {
    schema = tool.input();
    inputs.set(tool, schema);
  }
  return schema;
}

/** The JSON Schema clients see, converted once from the zod schema and cached. */
export function jsonSchemaOf(tool: ToolSpec): Record<string, unknown> {
  let json = jsonSchemas.get(tool);
  if (!json) {
    json = toInputJsonSchema(inputSchemaOf(tool));
    jsonSchemas.set(tool, json);
  }
  return json;
}

export function annotationsOf(tool: ToolSpec): ToolAnnotations {
  return annotationsFor(tool);
}

/** The listing entry for `zoom-mcp tools` and for tests: facts only, no schema. */
export function describeForListing(tool: ToolSpec) {
  return {
    name: tool.name,
    title: tool.title,
    toolset: tool.toolset,
    method: tool.method,
    path: tool.path,
    scopes: tool.scopes,
    rateLimit: tool.rateLimit ?? null,
    legacy: tool.legacy ?? false,
    annotations: annotationsOf(tool),
  };
}
