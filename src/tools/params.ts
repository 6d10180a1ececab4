/**
 * A tool's input field names, for search: its own module, so the catalog loader and the build can
 * use it without loading the search engine.
 */

/** Every property name in a JSON Schema, nested ones included, down to `depth` levels. */
export function paramNames(schema: unknown, depth = 2): string[] {
  const out: string[] = [];
  const walk = (node: unknown, level: number) => {
    if (!node || typeof node !== "object" || level > depth) return;
    const n = node as { properties?: Record<string, unknown>; items?: unknown };
    if (n.items) walk(n.items, level);
    for (const [key, child] of Object.entries(n.properties ?? {})) {
      out.push(key);
      walk(child, level + 1);
    }
  };
  walk(schema, 1);
  return out;
}
