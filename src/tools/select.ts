/**
 * Which tools a configuration serves. One rule: start from the chosen toolsets, add single tools,
 * then remove exclusions; read-only mode finally drops every tool that is not read-only.
 */
import { annotationsFor, type ToolSpec } from "./define.js";

export interface Selection {
  /** Toolset ids, or `all`. Empty means the default. */
  readonly toolsets: readonly string[];
  readonly tools: readonly string[];
  readonly excludeTools: readonly string[];
  readonly readOnly: boolean;
}

export class SelectionError extends Error {
  override name = "SelectionError";
}

export const DEFAULT_TOOLSETS: readonly string[] = ["all"];

export function selectTools(all: readonly ToolSpec[], selection: Selection): ToolSpec[] {
  const toolsetIds = [...new Set(all.map((t) => t.toolset))];
  const names = new Set(all.map((t) => t.name));
  const wanted = selection.toolsets.length ? selection.toolsets : DEFAULT_TOOLSETS;

  const unknownSets = wanted.filter((id) => id !== "all" && !toolsetIds.includes(id));
  if (unknownSets.length) {
    throw new SelectionError(`unknown toolset(s) ${unknownSets.join(", ")}. Valid toolsets: all, ${toolsetIds.join(", ")}`);
  }
  const unknownTools = [...selection.tools, ...selection.excludeTools].filter((n) => !names.has(n));
  if (unknownTools.length) {
    throw new SelectionError(`unknown tool(s) ${unknownTools.join(", ")}. Run \`zoom-mcp tools\` to list the tool names.`);
  }

  const chosen = new Set(wanted.includes("all") ? toolsetIds : wanted);
  const extra = new Set(selection.tools);
  const excluded = new Set(selection.excludeTools);
  return all.filter(
    (t) => (chosen.has(t.toolset) || extra.has(t.name)) && !excluded.has(t.name) && (!selection.readOnly || annotationsFor(t).readOnlyHint),
  );
}

/** Splits a comma-separated flag or env value. */
export function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
