/**
 * Our own words for every tool and field, kept as data in scripts/descriptions/<toolset>.json and
 * checked here against Zoom's prose: a description that shares a run of six words with the spec
 * text of its endpoint, or contains one of its sentences, is rejected.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface DescriptionFile {
  /** An extended toolset's own description (catalog toolsets have theirs in scripts/toolsets.json). */
  toolset?: string;
  common?: Record<string, string>;
  tools?: Record<string, { description?: string; fields?: Record<string, string> }>;
}

export class Descriptions {
  private readonly files = new Map<string, DescriptionFile>();
  private readonly global: Record<string, string>;
  readonly problems: string[] = [];

  constructor(private readonly dir: string) {
    this.global = this.file("_common").common ?? {};
  }

  private file(toolset: string): DescriptionFile {
    let file = this.files.get(toolset);
    if (!file) {
      const path = join(this.dir, `${toolset}.json`);
      file = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as DescriptionFile) : {};
      this.files.set(toolset, file);
    }
    return file;
  }

  toolset(toolset: string): string | undefined {
    return this.file(toolset).toolset?.trim();
  }

  tool(toolset: string, key: string): string | undefined {
    return this.file(toolset).tools?.[key]?.description?.trim();
  }

  /** Lookup order: the tool's entry for the full path, the toolset's common entry, then the same by leaf name. */
  field(toolset: string, key: string, path: string): string | undefined {
    const file = this.file(toolset);
    const own = file.tools?.[key]?.fields ?? {};
    const common = file.common ?? {};
    const leaf = path.split(".").pop()!.replace(/\[\]$/, "");
    return (own[path] ?? common[path] ?? own[leaf] ?? common[leaf] ?? this.global[path] ?? this.global[leaf])?.trim();
  }

  /** Keys in the files that no endpoint uses (stale entries). */
  unknownTools(known: Set<string>): string[] {
    const stale: string[] = [];
    for (const [toolset, file] of this.files) {
      for (const key of Object.keys(file.tools ?? {})) if (!known.has(key)) stale.push(`${toolset}: ${key}`);
    }
    return stale;
  }
}

function words(text: string): string[] {
  const plain = text
    .toLowerCase()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, " $1 ")
    .replace(/<[^>]+>/g, " ");
  // Identifiers (`mac_os`, `participant.invite`) stay single words, so they can be recognised as values.
  return (plain.match(/[a-z0-9][a-z0-9_.']*/g) ?? []).map((w) => w.replace(/[.']+$/, "")).flatMap((w) => (w.includes("_") || w.includes(".") ? [w] : w.split(".").filter(Boolean)));
}

/** Numbers and identifiers are values (codes, enum members), not prose. */
const isValue = (w: string) => /^\d/.test(w) || w.includes("_") || w.includes(".") || /^(yyyy|yy|mm|dd|hh|ss|sss|utc|gmt)$/.test(w);

/**
 * Runs of six words. A run with two or more values (numbers, identifiers) is a list of codes or
 * enum members (`1 = basic, 2 = licensed`), which is a fact to restate, not prose, so it does not count.
 */
function shingles(ws: string[], n = 6): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= ws.length; i++) {
    const run = ws.slice(i, i + n);
    if (run.filter(isValue).length >= 2) continue;
    out.add(run.join(" "));
  }
  return out;
}

/** Zoom's prose for one endpoint, prepared for the copy check. */
export class SpecProse {
  private readonly runs: Set<string>;
  private readonly sentences: string[];

  constructor(texts: string[]) {
    const all = texts.join("\n");
    this.runs = shingles(words(all));
    this.sentences = all
      .split(/[.!?\n]+/)
      .map((s) => words(s))
      .filter((ws) => ws.length >= 5)
      .map((ws) => ws.join(" "));
  }

  /** Why `text` counts as copied, or undefined when it is our own. */
  copied(text: string): string | undefined {
    const ws = words(text);
    for (const run of shingles(ws)) if (this.runs.has(run)) return `shares the run "${run}"`;
    const joined = ` ${ws.join(" ")} `;
    for (const sentence of this.sentences) if (joined.includes(` ${sentence} `)) return `contains the sentence "${sentence}"`;
    return undefined;
  }
}
