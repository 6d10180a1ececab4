/**
 * The one rule that names every tool, from its HTTP method and path (never from the title, which
 * repeats across sections):
 *
 *   verb     GET -> `get` when the path ends with a parameter (one item); otherwise `list` when the
 *            endpoint returns a collection (it pages; or its last segment is plural and its 200 body has a
 *            top-level array; or an item path `{...}` sits right below it), else `get`.
 *            POST -> `create`; PATCH and PUT -> `update`; DELETE -> `delete`.
 *   noun     the literal path segments in order, path parameters dropped. A segment followed by a
 *            parameter (or by `me`) names one item, so it is singularised (`meetings/{id}` -> `meeting`);
 *            so is the last segment of a POST (it creates one item). `me` is dropped, except as the
 *            last segment, where it stays (`members/me` -> `member_me`: the caller themself).
 *   join     `verb_noun...` in snake_case; a word repeated right after itself is collapsed
 *            (`/phone/phone_numbers` -> `phone_numbers`).
 *   clash    if two endpoints still get one name, the one with the longer path keeps its repeated
 *            words (`collapse: false`).
 *
 * e.g. PATCH /meetings/{meetingId}/livestream -> update_meeting_livestream,
 *      GET /users/{userId}/meetings -> list_user_meetings, POST /users/{userId}/meetings -> create_user_meeting.
 */

import { readFileSync } from "node:fs";

const VERB: Record<string, string> = { POST: "create", PATCH: "update", PUT: "update", DELETE: "delete" };

const IRREGULAR: Record<string, string> = {
  settings: "settings",
  lock_settings: "lock_settings",
  status: "status",
  sms: "sms",
  analytics: "analytics",
  metrics: "metrics",
  news: "news",
  series: "series",
  addons: "addon",
  emergency_addresses: "emergency_address",
  addresses: "address",
  devices: "device",
  policies: "policy",
  directories: "directory",
  queries: "query",
  activities: "activity",
  entries: "entry",
  categories: "category",
  batches: "batch",
  aliases: "alias",
  boxes: "box",
  matches: "match",
  pass: "pass",
  access: "access",
  class: "class",
};

/** Singular of one snake_case segment: only its last word changes (`call_queues` -> `call_queue`). */
export function singular(segment: string): string {
  if (segment in IRREGULAR) return IRREGULAR[segment]!;
  const words = segment.split("_");
  const last = words.pop()!;
  let one = last;
  if (last in IRREGULAR) one = IRREGULAR[last]!;
  else if (/ies$/.test(last)) one = last.slice(0, -3) + "y";
  else if (/(ss|us|is)$/.test(last)) one = last;
  else if (/(sh|ch|x|zz)es$/.test(last)) one = last.slice(0, -2);
  else if (/s$/.test(last)) one = last.slice(0, -1);
  return [...words, one].join("_");
}

export function toolName(method: string, path: string, returnsCollection: boolean, collapse = true): string {
  const segments = path.split("/").filter(Boolean);
  const endsWithItem = segments.at(-1)?.startsWith("{") ?? false;
  const verb = method === "GET" ? (returnsCollection && !endsWithItem ? "list" : "get") : VERB[method];
  if (!verb) throw new Error(`no verb for method ${method}`);
  const words: string[] = [];
  segments.forEach((segment, i) => {
    if (segment.startsWith("{") || (segment === "me" && i < segments.length - 1)) return;
    const next = segments[i + 1];
    const isLast = segments.slice(i + 1).every((s) => s.startsWith("{") || s === "me");
    const itemFollows = next !== undefined && (next.startsWith("{") || next === "me");
    const singularise = itemFollows || (method === "POST" && isLast);
    words.push(...(singularise ? singular(segment) : segment).toLowerCase().replace(/[^a-z0-9]+/g, "_").split("_").filter(Boolean));
  });
  const collapsed = collapse ? words.filter((w, i) => w !== words[i - 1]) : words;
  return [verb, ...collapsed].join("_");
}

/**
 * The second step of the rule, as data (scripts/naming-rules.json): names that say what a tool does.
 *
 *   title verb   where the catalog title opens with a verb of `titleVerbs` ("Cancel a base plan") that
 *                differs from the method's verb, the name takes it, and trailing state words
 *                (`status`, `events`) leave: update_account_plans_base_status -> cancel_account_plans_base.
 *   owner        a leading owner segment (`/users/{userId}/meetings`) leaves the name when the rest is a
 *                top-level resource (`/meetings/{meetingId}` exists) and the shorter name is free:
 *                create_user_meeting -> create_meeting.
 *   overrides    by method and path, each with its reason.
 *
 * The name the first step gives stays an alias, so old names keep working.
 */

export interface NamingRules {
  readonly titleVerbs: Record<string, string>;
  readonly dropTrailing: readonly string[];
  readonly ownerSegments: readonly string[];
  readonly destructiveVerbs: readonly string[];
  readonly safeVerbs: readonly string[];
  readonly overrides: Record<string, { readonly name: string; readonly reason: string }>;
  readonly shorten: readonly (readonly [string, string])[];
}

export const RULES = JSON.parse(readFileSync(new URL("./naming-rules.json", import.meta.url), "utf8")) as NamingRules;

/** The longest tool name: some clients cap names at 64 characters, server prefix included. */
export const MAX_NAME = 48;

/** A name over MAX_NAME with the `shorten` phrases replaced, in order, until it fits (it may still not). */
export function shortened(name: string, rules: NamingRules = RULES): string {
  let out = name;
  for (const [long, short] of rules.shorten) {
    if (out.length <= MAX_NAME) break;
    out = out.replaceAll(long, short);
  }
  return out;
}

/** The title's opening verb, lower-cased ("Check-in or check-out ..." -> "check-in"). */
export function titleVerb(title: string): string {
  return title.split(/\s+/)[0]!.toLowerCase();
}

/** Step one's name with the title's verb, where the title says something the method does not. */
export function withTitleVerb(name: string, title: string, rules: NamingRules = RULES): string {
  const verb = rules.titleVerbs[titleVerb(title)];
  const [current, ...noun] = name.split("_");
  if (!verb || verb === current) return name;
  const words = [...noun];
  while (words.length > 1 && rules.dropTrailing.includes(words.at(-1)!)) words.pop();
  return [verb, ...words.filter((w) => w !== verb)].join("_");
}

/**
 * The name without its owner segment, when the path is `/<owner>/{id}/<resource>...` and
 * `/<resource>/{...}` is a path of its own (so the resource is known without its owner).
 */
export function withoutOwner(name: string, path: string, allPaths: ReadonlySet<string>, rules: NamingRules = RULES): string | undefined {
  const segments = path.split("/").filter(Boolean);
  const [owner, id, resource] = segments;
  if (!owner || !rules.ownerSegments.includes(owner) || !id?.startsWith("{") || !resource || resource.startsWith("{")) return undefined;
  const topLevel = [...allPaths].some((p) => p.startsWith(`/${resource}/{`));
  if (!topLevel) return undefined;
  const ownerWord = singular(owner);
  const [verb, ...noun] = name.split("_");
  if (noun[0] !== ownerWord) return undefined;
  return [verb, ...noun.slice(1)].join("_");
}

export interface Annotated {
  /** Set where the title's verb, not the method, decides (a PATCH that cancels a plan). */
  readonly destructive?: boolean;
}

/** Whether the title marks the tool destructive (true), safe (false), or leaves it to the method (undefined). */
export function destructiveFromTitle(method: string, title: string, rules: NamingRules = RULES): boolean | undefined {
  const verb = titleVerb(title);
  if (rules.destructiveVerbs.includes(verb) && method !== "DELETE") return true;
  if (rules.safeVerbs.includes(verb) && method === "DELETE") return false;
  return undefined;
}
