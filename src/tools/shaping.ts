/**
 * Making results fit a context window: keep only the fields asked for, and cut what is still too
 * large at a clean JSON boundary, recording exactly what was left out so the caller can say how to
 * get it. Every step is linear in the size of the data and yields to the event loop as it goes.
 */
import { MANY_KEYS, Sizes } from "./measure.js";

/** Longest note about what a result left out, in characters; the cap keeps this much room for it. */
export const MAX_NOTE = 1000;

/** The keys that say where a list stands; `fields` always keeps them. */
export const PAGING_KEYS = ["next_page_token", "total_records", "page_size", "page_count", "page_number"] as const;

export interface Projected {
  readonly data: unknown;
  /** Paths from `fields` that matched nothing in the data. */
  readonly unmatched: string[];
}

/**
 * Keeps the given top-level or dotted paths, plus the paging keys. Arrays are transparent:
 * `meetings.id` keeps `id` in every element of `meetings`. A path matches when some element has it
 * (an empty list contradicts nothing, so it matches too).
 */
export function projectFields(data: unknown, paths: readonly string[]): Projected {
  if (!paths.length) return { data, unmatched: [] };
  const tree: Tree = { children: new Map(), seen: false };
  const leaves: Array<[string, Tree]> = [];
  for (const path of paths) {
    let node = tree;
    for (const part of path.split(".").filter(Boolean)) {
      let next = node.children.get(part);
      if (next === undefined) node.children.set(part, (next = { children: new Map(), seen: false }));
      node = next;
    }
    if (node !== tree) leaves.push([path, node]);
  }
  if (data && typeof data === "object" && !Array.isArray(data)) {
    for (const key of PAGING_KEYS) if (key in data && !tree.children.has(key)) tree.children.set(key, { children: new Map(), seen: false });
  }
  const out = pick(data, tree);
  const unmatched = leaves.filter(([, node]) => !node.seen).map(([path]) => path);
  return { data: out, unmatched };
}

/** `projectFields` without the report. */
export function project(data: unknown, paths: readonly string[]): unknown {
  return projectFields(data, paths).data;
}

interface Tree {
  readonly children: Map<string, Tree>;
  /** Some value was found at this path. */
  seen: boolean;
}

function pick(data: unknown, tree: Tree): unknown {
  if (tree.children.size === 0) return data;
  if (Array.isArray(data)) {
    if (data.length === 0) markSeen(tree);
    return data.map((item) => pick(item, tree));
  }
  if (data === null) markSeen(tree);
  if (!data || typeof data !== "object") return data;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree.children) {
    if (Object.hasOwn(data, key)) {
      sub.seen = true;
      out[key] = pick((data as Record<string, unknown>)[key], sub);
    }
  }
  return out;
}

/** Nothing below an empty list or a null can contradict a path. */
function markSeen(tree: Tree): void {
  for (const sub of tree.children.values()) {
    sub.seen = true;
    markSeen(sub);
  }
}

/** One thing the cap left out. */
export type Drop =
  | { readonly kind: "items"; readonly path: string; readonly kept: number; readonly total: number }
  | { readonly kind: "field"; readonly path: string };

export interface Fitted {
  readonly text: string;
  /** The value `text` serialises (the input itself when nothing was cut). */
  readonly value: unknown;
  /** What was left out, outermost first; empty when everything fit. */
  readonly drops: Drop[];
  /** Serialised size of the whole input. */
  readonly fullChars: number;
}

export interface FitOptions {
  /**
   * The top-level key of a list page's item array. When it has to be cut, `round` may lower the
   * kept count (to a page boundary, say) and `reserve` characters are kept free for the caller to
   * change the page's `next_page_token`.
   */
  readonly items?: { readonly key: string; readonly round?: (kept: number) => number; readonly reserve?: number };
  /** When something has to be cut, cut to this many characters (room for a note). @default maxChars */
  readonly cutTo?: number;
}

/**
 * Serialises `data` as compact JSON of at most `maxChars` characters. When it is larger, the
 * largest value is shrunk first: an array keeps its leading whole items, an object shrinks its
 * largest member or leaves it out, down to what fits. Paging keys are small, so they go last.
 */
export async function fitJson(data: unknown, maxChars: number, options: FitOptions = {}): Promise<Fitted> {
  const sizes = new Sizes(maxChars + 1);
  const fullChars = await sizes.of(data);
  if (fullChars <= maxChars) return { text: JSON.stringify(data) ?? "null", value: data, drops: [], fullChars };

  const budget = Math.min(maxChars, options.cutTo ?? maxChars);
  const drops: Drop[] = [];
  const shrunk = await shrink(data, budget, "", { sizes, drops, items: options.items });
  const text = shrunk === LEFT_OUT ? "null" : (JSON.stringify(shrunk.value) ?? "null");
  if (shrunk === LEFT_OUT || text.length > budget) return { text: "null", value: null, drops: [{ kind: "field", path: "(root)" }], fullChars };
  return { text, value: shrunk.value, drops, fullChars };
}

const LEFT_OUT = Symbol("left out");

interface ShrinkContext {
  readonly sizes: Sizes;
  readonly drops: Drop[];
  readonly items: FitOptions["items"];
}

interface Shrunk {
  readonly value: unknown;
  readonly size: number;
}

/** A copy of `value` serialised in at most `budget` characters, or LEFT_OUT if nothing useful fits. */
async function shrink(value: unknown, budget: number, path: string, ctx: ShrinkContext): Promise<Shrunk | typeof LEFT_OUT> {
  const { sizes } = ctx;
  const size = sizes.known(value);
  if (size <= budget) return { value, size };
  if (!value || typeof value !== "object" || budget < 2) return LEFT_OUT;

  if (Array.isArray(value)) {
    const pageItems = ctx.items && path === ctx.items.key ? ctx.items : undefined;
    const room = budget - (pageItems?.reserve ?? 0);
    const itemCost = (i: number) => (value[i] === undefined ? 4 : sizes.known(value[i])) + (i ? 1 : 0);
    let used = 2;
    let kept = 0;
    for (; kept < value.length; kept++) {
      const cost = itemCost(kept);
      if (used + cost > room) break;
      used += cost;
      if (sizes.due()) await sizes.yieldNow();
    }
    if (pageItems?.round) {
      const rounded = Math.min(kept, Math.max(0, pageItems.round(kept)));
      for (let i = rounded; i < kept; i++) used -= itemCost(i);
      kept = rounded;
    }
    ctx.drops.push({ kind: "items", path: path || "(root)", kept, total: value.length });
    return { value: value.slice(0, kept), size: used };
  }

  const record = value as Record<string, unknown>;
  const keys: string[] = [];
  const costs: number[] = [];
  for (const k of sizes.keysOf(record)) {
    const valueSize = sizes.known(record[k]);
    if (valueSize === 0) continue; // undefined: not in the JSON
    keys.push(k);
    costs.push(sizes.key(k) + 1 + valueSize);
    if (sizes.due()) await sizes.yieldNow();
  }
  // Largest first, so the fewest members go (among equals, later keys first: earlier ones usually
  // identify the object). An object with very many members keeps a leading run instead: sorting
  // them would be one long step.
  const order = keys.map((_, i) => i);
  if (keys.length <= MANY_KEYS) order.sort((a, b) => costs[b]! - costs[a]! || b - a);
  else order.reverse();
  const replaced = new Map<string, unknown>();
  const left = new Set<string>();
  let current = size;
  let remaining = keys.length;
  for (const i of order) {
    if (current <= budget) break;
    const k = keys[i]!;
    const child = record[k];
    const childSize = sizes.known(child);
    const childBudget = childSize - (current - budget);
    const childPath = path ? `${path}.${k}` : k;
    const shrunk = child && typeof child === "object" && childBudget >= 2 ? await shrink(child, childBudget, childPath, ctx) : LEFT_OUT;
    if (shrunk === LEFT_OUT) {
      left.add(k);
      ctx.drops.push({ kind: "field", path: childPath });
      // The entry and, unless it was the last one, one comma.
      current -= costs[i]! + (remaining > 1 ? 1 : 0);
      remaining--;
    } else {
      replaced.set(k, shrunk.value);
      current -= childSize - shrunk.size;
    }
    if (sizes.due()) await sizes.yieldNow();
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (!left.has(k)) out[k] = replaced.has(k) ? replaced.get(k) : record[k];
    if (sizes.due()) await sizes.yieldNow();
  }
  return { value: out, size: current };
}

/** Cuts `text` to at most `max` characters without splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

/** A value as it may appear in a message: long IDs, paths and tokens cut to a readable length. */
export function clip(value: string, max = 80): string {
  return value.length <= max ? value : `${cutText(value, max - 1)}…`;
}

/** Cuts every run of non-space characters longer than `max` (an echoed ID or path) in free text. */
export function clipWords(text: string, max = 80): string {
  return text.replace(new RegExp(`\\S{${max + 1},}`, "g"), (word) => clip(word, max));
}

/**
 * Joins a list for a message: at most `maxItems` entries and `maxChars` characters, each entry
 * clipped, then "and N more".
 */
export function listForNote(items: readonly string[], maxItems = 10, maxChars = 400): string {
  const shown: string[] = [];
  let used = 0;
  for (const item of items) {
    const entry = clip(item);
    if (shown.length >= maxItems || used + entry.length > maxChars) break;
    shown.push(entry);
    used += entry.length + 2;
  }
  const rest = items.length - shown.length;
  return `${shown.join(", ")}${rest ? `${shown.length ? " and " : ""}${rest} more` : ""}`;
}

/** Cuts text (a non-JSON answer) to `maxChars`, saying how much was left out. */
export function fitText(text: string, maxChars: number): { readonly text: string; readonly note?: string } {
  if (text.length <= maxChars) return { text };
  return { text: text.slice(0, maxChars), note: `Result truncated to fit the size cap: kept the first ${maxChars} of ${text.length} characters.` };
}
