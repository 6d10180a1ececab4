/**
 * Making results fit a context window: keep only the fields asked for, and cut what is still too
 * large at a clean JSON boundary, saying what was left out and how to get it.
 */

/**
 * Keeps the given top-level or dotted paths. Arrays are transparent: `meetings.id` keeps `id` in
 * every element of `meetings`. Unknown paths are ignored.
 */
export function project(data: unknown, paths: readonly string[]): unknown {
  if (!paths.length) return data;
  const tree: Tree = new Map();
  for (const path of paths) {
    let node = tree;
    for (const part of path.split(".").filter(Boolean)) {
      let next = node.get(part);
      if (next === undefined) node.set(part, (next = new Map()));
      node = next;
    }
  }
  return pick(data, tree);
}

type Tree = Map<string, Tree>;

function pick(data: unknown, tree: Tree): unknown {
  if (tree.size === 0) return data;
  if (Array.isArray(data)) return data.map((item) => pick(item, tree));
  if (!data || typeof data !== "object") return data;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (key in (data as Record<string, unknown>)) out[key] = pick((data as Record<string, unknown>)[key], sub);
  }
  return out;
}

export interface Fitted {
  readonly text: string;
  /** Present when something was left out: what, how much, and how to get the rest. */
  readonly note?: string;
}

/**
 * Serialises `data` as compact JSON of at most `maxChars` characters. When it is larger, the
 * largest array is shortened (whole items only), then trailing top-level fields are dropped, so the
 * text stays valid JSON. The note says what was cut.
 */
export function fitJson(data: unknown, maxChars: number): Fitted {
  const full = JSON.stringify(data) ?? "null";
  if (full.length <= maxChars) return { text: full };

  const array = largestArray(data);
  if (array) {
    const { holder, key, items } = array;
    let lo = 0;
    let hi = items.length;
    const render = (n: number) => JSON.stringify(withArray(data, holder, key, items.slice(0, n)));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (render(mid).length <= maxChars) lo = mid;
      else hi = mid - 1;
    }
    const text = render(lo);
    if (text.length <= maxChars) {
      return {
        text,
        note: `Result truncated to fit the size cap: \`${array.path}\` kept ${lo} of ${items.length} items (${items.length - lo} left out, about ${full.length - text.length} characters).`,
      };
    }
  }

  if (data && typeof data === "object" && !Array.isArray(data)) {
    const kept: Record<string, unknown> = {};
    const dropped: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const candidate = { ...kept, [key]: value };
      if (JSON.stringify(candidate).length <= maxChars) kept[key] = value;
      else dropped.push(key);
    }
    const text = JSON.stringify(kept);
    return { text, note: `Result truncated to fit the size cap: left out the field(s) ${dropped.map((k) => `\`${k}\``).join(", ")} (about ${full.length - text.length} characters).` };
  }
  return {
    text: JSON.stringify({ truncated: true, size: full.length }),
    note: `Result left out: ${full.length} characters is over the size cap and could not be cut at a clean boundary.`,
  };
}

interface ArrayAt {
  readonly path: string;
  readonly holder: unknown[] | Record<string, unknown> | null;
  readonly key: string | null;
  readonly items: unknown[];
}

/** The array with the most serialised characters, searched through objects (not inside arrays). */
function largestArray(data: unknown): ArrayAt | undefined {
  let best: (ArrayAt & { size: number }) | undefined;
  const visit = (value: unknown, holder: ArrayAt["holder"], key: string | null, path: string) => {
    if (Array.isArray(value)) {
      const size = JSON.stringify(value).length;
      if (!best || size > best.size) best = { path: path || "(root)", holder, key, items: value, size };
      return;
    }
    if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, value as Record<string, unknown>, k, path ? `${path}.${k}` : k);
    }
  };
  visit(data, null, null, "");
  return best;
}

/** A copy of `data` with one array replaced, copying only the objects on the way to it. */
function withArray(data: unknown, holder: ArrayAt["holder"], key: string | null, items: unknown[]): unknown {
  if (holder === null) return items;
  const copy = (value: unknown): unknown => {
    if (value === holder) return { ...(value as Record<string, unknown>), [key!]: items };
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
    }
    return value;
  };
  return copy(data);
}
