/**
 * Arguments that shape a result instead of going to Zoom: `fields` on every read tool, and
 * `all_pages` / `max_items` on list tools that page with `next_page_token`. The generator adds them
 * to each catalog tool's schema.
 */
import { annotationsFor, type JsonSchema, type ToolSpec } from "./define.js";

export const DEFAULT_MAX_ITEMS = 1000;
export const MAX_MAX_ITEMS = 10_000;

const fields: JsonSchema = {
  description: "Result paths to keep, comma-separated, e.g. meetings.id,meetings.topic.",
  type: "string",
  minLength: 1,
};
const allPages: JsonSchema = {
  description: "Fetch and merge every page, up to max_items.",
  type: "boolean",
};
const maxItems: JsonSchema = {
  description: `all_pages stops after this many items (default ${DEFAULT_MAX_ITEMS}).`,
  type: "integer",
  minimum: 1,
  maximum: MAX_MAX_ITEMS,
};

export interface Controls {
  readonly fields?: string;
  readonly all_pages?: boolean;
  readonly max_items?: number;
}

/** The tool's input schema with the control arguments that apply to it. */
export function withControls(tool: Omit<ToolSpec, "inputSchema">, schema: JsonSchema): JsonSchema {
  if (!annotationsFor(tool).readOnlyHint) return schema;
  const controls = tool.paginated ? { fields, all_pages: allPages, max_items: maxItems } : { fields };
  return { ...schema, properties: { ...(schema.properties as JsonSchema), ...controls } };
}

/** Separates control arguments from the ones that go to Zoom. */
export function splitControls(args: Record<string, unknown>): { zoomArgs: Record<string, unknown>; controls: Controls } {
  const { fields: f, all_pages, max_items, ...zoomArgs } = args;
  return { zoomArgs, controls: { ...(f !== undefined ? { fields: f as string } : {}), ...(all_pages !== undefined ? { all_pages: all_pages as boolean } : {}), ...(max_items !== undefined ? { max_items: max_items as number } : {}) } };
}

export function parseFieldList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
