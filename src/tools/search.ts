/**
 * Ranked full-text search over the catalog (MiniSearch, BM25): tool name, title, toolset,
 * parameter names and description, with English stemming and whole-word matching. A request in a
 * user's own words is reduced to its content words (question and filler words dropped) and widened
 * with Zoom's vocabulary (src/tools/synonyms.json): "who attended" also looks for participants.
 */
import MiniSearch from "minisearch";
import { stemmer } from "stemmer";
import SYNONYMS from "./synonyms.json" with { type: "json" };

/** What search needs to know about one tool. */
export interface SearchEntry {
  readonly name: string;
  readonly title: string;
  readonly toolset: string;
  readonly description: string;
  /** Input parameter names, nested ones included (e.g. waiting_room under settings). */
  readonly params: readonly string[];
  /** An opt-in tool beyond the catalog: it ranks a little below a catalog tool that fits as well. */
  readonly extended?: boolean;
}

export interface SearchHit {
  readonly name: string;
  readonly score: number;
}

const FIELDS = ["name", "title", "toolset", "params", "description"] as const;
/** Name and title say what a tool does; parameters and prose only hint at it. */
const BOOST: Record<(typeof FIELDS)[number], number> = { name: 3, title: 3, toolset: 1.5, params: 0.6, description: 0.8 };
/** A word the user wrote counts fully; a word implied by the synonym table counts less. */
const SYNONYM_WEIGHT = 0.7;
/** How much a tool whose verb matches the request's intent gains. */
const INTENT_BOOST = 1.6;
/** How much a tool gains when the request accounts for every word of its name (Occam: the plainest fit wins). */
const NAME_FIT_BOOST = 0.5;
/**
 * The catalog covers the everyday jobs; the extended set's 1,200 tools would otherwise crowd them
 * out of a vague request. A request that names an extended tool's subject (a summary, a
 * transcript) still finds it first.
 */
const EXTENDED_WEIGHT = 0.5;

type Verb = "create" | "update" | "delete" | "list" | "get";

interface SynonymTable {
  /** Question and filler words: they say nothing about which endpoint is meant. */
  readonly ignore: readonly string[];
  /** Words and phrases that say which kind of call is wanted. */
  readonly intents: Readonly<Record<Verb, readonly string[]>>;
  /** A word or phrase (lowercase, words separated by spaces) -> the catalog words it also means. */
  readonly terms: Readonly<Record<string, readonly string[]>>;
}

const TABLE = SYNONYMS as SynonymTable;
const IGNORE = new Set(TABLE.ignore);
const PHRASES = Object.keys(TABLE.terms);
/** Words the stemmer would fold into an unrelated verb ("settings" -> "set"). */
const STEM_EXCEPTIONS: Record<string, string> = { settings: "setting", setting: "setting", sharing: "share", shared: "share" };

/** Lowercase words of a text: splits snake_case, camelCase, punctuation and "Q&A". */
export function words(text: string): string[] {
  return text
    .replace(/q&a/gi, " qa ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function stem(word: string): string {
  return STEM_EXCEPTIONS[word] ?? stemmer(word);
}

/** Noise in a request: numbers, times and dates ("3pm", "10am", "12th"), single letters. */
function isNoise(word: string): boolean {
  return word.length < 2 || /^\d+(st|nd|rd|th|am|pm|h|k|m|s)?$/.test(word);
}

/**
 * The weighted stemmed terms of a query: the user's content words, each pair of adjacent words
 * joined ("live stream" -> "livestream"), and the catalog words the synonym table adds.
 */
export function queryTerms(query: string): Map<string, number> {
  const raw = words(query);
  const weights = new Map<string, number>();
  const add = (word: string, weight: number) => {
    if (isNoise(word) || IGNORE.has(word)) return;
    const term = stem(word);
    weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  };
  // Synonyms match on the raw words, so phrases such as "sign up" and "no show" are seen before
  // their filler words are dropped.
  const text = ` ${raw.join(" ")} `;
  for (const phrase of PHRASES) {
    if (!text.includes(` ${phrase} `)) continue;
    for (const synonym of TABLE.terms[phrase]!) for (const w of words(synonym)) add(w, SYNONYM_WEIGHT);
  }
  const content = raw.filter((w) => !isNoise(w) && !IGNORE.has(w));
  for (const w of content) add(w, 1);
  for (let i = 0; i + 1 < content.length; i++) add(content[i]! + content[i + 1]!, 1);
  return weights;
}

const has = (text: string, phrase: string) => text.includes(` ${phrase} `);

/**
 * Which tool verbs fit the request. A write word decides; without one the request is a read, and a
 * read that names something in the plural ("registrants", "who attended") asks for a list.
 */
export function intentOf(query: string): Set<Verb> {
  const raw = words(query);
  const text = ` ${raw.join(" ")} `;
  const said = (verb: Verb) => TABLE.intents[verb].some((p) => has(text, p));
  const writes = (["create", "update", "delete"] as const).filter(said);
  if (writes.length) return new Set(writes);
  const plural = raw.some((w) => !IGNORE.has(w) && w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && stem(w) !== w && !STEM_EXCEPTIONS[w]);
  if (said("list") || (plural && !said("get"))) return new Set(["list"]);
  if (said("get")) return new Set(["get"]);
  return new Set(["list", "get"]);
}

/** The share of a tool's name words that the request's terms account for. */
function nameFit(nameTerms: readonly string[], terms: ReadonlyMap<string, number>): number {
  if (!nameTerms.length) return 0;
  return nameTerms.filter((t) => terms.has(t)).length / nameTerms.length;
}

function joinedPairs(ws: readonly string[]): string[] {
  return ws.slice(1).map((w, i) => ws[i]! + w);
}

function indexTerms(text: string): string[] {
  const ws = words(text).filter((w) => !isNoise(w) && !IGNORE.has(w));
  return ws.map(stem);
}

/** An index over one list of tools; build it once and search it many times. */
export class ToolSearch {
  private readonly index: MiniSearch<SearchEntry & { id: number }>;
  private readonly entries: readonly SearchEntry[];
  private readonly verbs: readonly Verb[];
  private readonly weights: readonly number[];
  /** Each tool's name words after the verb, stemmed. */
  private readonly nameTerms: ReadonlyArray<readonly string[]>;

  constructor(entries: readonly SearchEntry[]) {
    this.entries = entries;
    this.verbs = entries.map((e) => e.name.split("_")[0] as Verb);
    this.weights = entries.map((e) => (e.extended ? EXTENDED_WEIGHT : 1));
    this.nameTerms = entries.map((e) => indexTerms(e.name).slice(1));
    this.index = new MiniSearch<SearchEntry & { id: number }>({
      fields: [...FIELDS],
      idField: "id",
      extractField: (doc, field) => {
        const value = (doc as unknown as Record<string, unknown>)[field];
        // "waiting_room" is also indexed as "waitingroom", so a request's "waiting room" finds it as a phrase.
        if (field === "params") return (value as string[]).map((p) => [p, ...joinedPairs(words(p))].join(" ")).join(" ");
        return String(value);
      },
      tokenize: (text) => indexTerms(text),
      processTerm: (term) => term,
      searchOptions: { tokenize: (text) => text.split(" ").filter(Boolean), processTerm: (term) => term },
    });
    this.index.addAll(entries.map((e, id) => ({ ...e, id })));
  }

  /** The best `limit` tools for a request, best first; `allow` narrows the pool (toolset, scopes). */
  search(query: string, limit: number, allow?: (name: string) => boolean): SearchHit[] {
    const terms = queryTerms(query);
    if (!terms.size) return [];
    const intent = intentOf(query);
    const results = this.index.search([...terms.keys()].join(" "), {
      boost: BOOST,
      boostTerm: (term) => terms.get(term) ?? 1,
      boostDocument: (id: number) => this.weights[id]! * (intent.has(this.verbs[id]!) ? INTENT_BOOST : 1) * (1 + NAME_FIT_BOOST * nameFit(this.nameTerms[id]!, terms)),
      ...(allow ? { filter: (r) => allow(this.entries[r.id as number]!.name) } : {}),
    });
    return results
      .map((r) => ({ name: this.entries[r.id as number]!.name, score: r.score }))
      .sort((a, b) => b.score - a.score || a.name.length - b.name.length || a.name.localeCompare(b.name))
      .slice(0, limit);
  }
}

/** The first sentence of a description: the one-line purpose shown in search results. */
export function purposeOf(tool: { readonly description: string }): string {
  const first = tool.description.split("\n")[0]!;
  const end = first.search(/\.(\s|$)/);
  return end > 0 ? first.slice(0, end + 1) : first;
}
