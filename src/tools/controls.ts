/**
 * Arguments that shape a result instead of going to Zoom: `fields` on every read tool, and
 * `all_pages` / `max_items` on list tools that page with `next_page_token`.
 */
import { z } from "zod";
import { annotationsFor, type ToolSpec } from "./define.js";

export const DEFAULT_MAX_ITEMS = 1000;
export const MAX_MAX_ITEMS = 10_000;

const fields = z
  .string()
  .min(1)
  .optional()
  .describe("Keep only these comma-separated top-level or dotted paths in the result, e.g. meetings.id,meetings.topic,next_page_token.");
const allPages = z
  .boolean()
  .optional()
  .describe("Follow next_page_token and merge every page into one result, up to max_items.");
const maxItems = z
  .int()
  .min(1)
  .max(MAX_MAX_ITEMS)
  .optional()
  .describe(`With all_pages: stop fetching pages once this many items are collected (default ${DEFAULT_MAX_ITEMS}, at most ${MAX_MAX_ITEMS}); the result's next_page_token then resumes.`);

export interface Controls {
  readonly fields?: string;
  readonly all_pages?: boolean;
  readonly max_items?: number;
}

/** The tool's input schema with the control arguments that apply to it. */
export function withControls(tool: ToolSpec, schema: z.ZodObject): z.ZodObject {
  if (!annotationsFor(tool).readOnlyHint) return schema;
  return tool.paginated ? schema.extend({ fields, all_pages: allPages, max_items: maxItems }) : schema.extend({ fields });
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
