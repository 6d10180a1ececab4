/** Keyword search over the catalog: name, title, toolset and description, weighted in that order. */
import type { ToolSpec } from "./define.js";

const VERB_HINTS: Array<[RegExp, string]> = [
  [/^(create|add|new|schedule|make|invite|register|upload|send)$/, "create"],
  [/^(delete|remove|cancel|revoke|disassociate)$/, "delete"],
  [/^(update|change|edit|set|modify|rename|enable|disable|start|stop|end|approve|deny)$/, "update"],
  [/^(list|all|search|find|every)$/, "list"],
  [/^(get|show|details|detail|read|view|fetch)$/, "get"],
];

const STOP = new Set(["a", "an", "the", "of", "for", "to", "in", "on", "my", "me", "and", "with", "zoom", "api"]);

export interface SearchHit {
  readonly tool: ToolSpec;
  readonly score: number;
}

export function searchTools(tools: readonly ToolSpec[], query: string, limit: number): SearchHit[] {
  const terms = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t && !STOP.has(t));
  if (!terms.length) return [];
  const verbs = new Set(terms.flatMap((t) => VERB_HINTS.filter(([re]) => re.test(t)).map(([, v]) => v)));
  const joined = terms.join("");

  const hits = tools.map((tool) => {
    const name = tool.name.replace(/_/g, "");
    const title = tool.title.toLowerCase().replace(/[^a-z0-9]/g, "");
    const toolset = tool.toolset.replace(/_/g, "");
    const description = tool.description.toLowerCase();
    let score = 0;
    let matched = 0;
    for (const term of terms) {
      const stem = term.length > 4 ? term.replace(/(es|s)$/, "") : term;
      let s = 0;
      if (name.includes(stem)) s += 5;
      if (title.includes(stem)) s += 3;
      if (toolset.includes(stem)) s += 2;
      if (description.includes(stem)) s += 1;
      if (s) matched++;
      score += s;
    }
    if (!score) return { tool, score: 0 };
    if (matched === terms.length) score += 4;
    // "live stream" and "livestream" are the same thing.
    if (terms.length > 1 && (name.includes(joined) || title.includes(joined))) score += 6;
    if (verbs.has(tool.name.split("_")[0]!)) score += 3;
    // The query is the catalog title ("create meeting" = "Create a meeting").
    const titleTerms = tool.title.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t && !STOP.has(t));
    if (titleTerms.join(" ") === terms.join(" ")) score += 8;
    return { tool, score };
  });
  return hits
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.length - b.tool.name.length || a.tool.name.localeCompare(b.tool.name))
    .slice(0, limit);
}

/** The first sentence of a description: the one-line purpose shown in search results. */
export function purposeOf(tool: ToolSpec): string {
  const first = tool.description.split("\n")[0]!;
  const end = first.search(/\.(\s|$)/);
  return end > 0 ? first.slice(0, end + 1) : first;
}
