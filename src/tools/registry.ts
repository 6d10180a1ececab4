import { existsSync, readFileSync } from "node:fs";
import type { z } from "zod";
import { annotationsFor, type ToolAnnotations, type ToolSpec } from "./define.js";
import { generatedTools } from "./generated/index.js";
import { withControls } from "./controls.js";
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

/**
 * The tool's zod input schema, with the result-shaping controls that apply to it, built on first
 * use: most sessions touch few of the 373 tools.
 */
export function inputSchemaOf(tool: ToolSpec): z.ZodObject {
  let schema = inputs.get(tool);
  if (!schema) {
    schema = withControls(tool, tool.input());
    inputs.set(tool, schema);
  }
  return schema;
}

/** Written by the build (scripts/build-schemas.mjs): every tool's JSON Schema, converted ahead of time. */
export const PRECOMPUTED_SCHEMAS = new URL("./generated/input-schemas.json", import.meta.url);

let precomputed: Record<string, Record<string, unknown>> | null | undefined;

function precomputedSchema(name: string): Record<string, unknown> | undefined {
  if (precomputed === undefined) {
    precomputed = existsSync(PRECOMPUTED_SCHEMAS) ? (JSON.parse(readFileSync(PRECOMPUTED_SCHEMAS, "utf8")) as Record<string, Record<string, unknown>>) : null;
  }
  return precomputed?.[name];
}

/**
 * The JSON Schema clients see: zod's conversion of the tool's input schema, taken from the build's
 * precomputed file when there is one, else converted on first use; cached either way.
 */
export function jsonSchemaOf(tool: ToolSpec): Record<string, unknown> {
  let json = jsonSchemas.get(tool);
  if (!json) {
    json = precomputedSchema(tool.name) ?? toInputJsonSchema(inputSchemaOf(tool));
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
