/**
 * Which tools the token can call. With Server-to-Server OAuth the token response lists the granted
 * scopes; a tool none of whose scopes (any one grants it) was granted is hidden from tools/list and
 * from search, unless --show-all-tools. Until the scopes are known, or when they never are (a static
 * token, the sandbox), nothing is hidden.
 */
import type { ToolSpec } from "./define.js";

export class ScopeGate {
  private granted: ReadonlySet<string> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly showAll: boolean) {}

  /** Records the scopes of a fresh token; listeners hear when this changes what is hidden. */
  learn(scopes: readonly string[]): void {
    const next = new Set(scopes);
    if (this.granted && this.granted.size === next.size && [...next].every((s) => this.granted!.has(s))) return;
    this.granted = next;
    if (!this.showAll) for (const listener of this.listeners) listener();
  }

  /** The tool's scopes when the token has none of them; undefined when it can call it (or nobody knows). */
  missing(tool: Pick<ToolSpec, "scopes">): readonly string[] | undefined {
    if (!this.granted || !tool.scopes.length) return undefined;
    return tool.scopes.some((s) => this.granted!.has(s)) ? undefined : tool.scopes;
  }

  /** Shown and callable: always with --show-all-tools; otherwise when the token may call it. */
  visible(tool: Pick<ToolSpec, "scopes">): boolean {
    return this.showAll || this.missing(tool) === undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** What a refused call or describe says: which scopes to add to the Zoom app. */
export function scopeAdvice(tool: Pick<ToolSpec, "name" | "scopes">): string {
  return `The access token has none of the scopes ${tool.name} needs. Add one of these to the Zoom app (then re-activate it): ${tool.scopes.join(", ")}.`;
}
