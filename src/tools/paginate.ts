/**
 * `all_pages`: follow `next_page_token`, merge the pages' item arrays, report progress per page,
 * and always stop: at the last page, on an empty page, on a token Zoom already gave, at
 * `max_items`, at the page limit, or when more pages could not fit the size cap.
 */
import { envName } from "../config.js";
import type { SendOptions, ZoomClient, ZoomFailure, ZoomRequest, ZoomSuccess } from "../http/client.js";
import { DEFAULT_MAX_ITEMS, parseFieldList, type Controls } from "./controls.js";
import type { JsonSchema } from "./define.js";
import type { ExecuteContext } from "./execute.js";
import { Sizes } from "./measure.js";
import { clipWords, cutText, MAX_NOTE, projectFields } from "./shaping.js";

/** Most pages one `all_pages` call fetches, unless the `maxPages` setting says otherwise. */
export const DEFAULT_MAX_PAGES = 100;

/**
 * Runs an `all_pages` call: pages at the tool's largest page size (or the call's own), stops at
 * `max_items`, the page limit, or once more items could not fit the size cap, and reports
 * progress per page.
 */
export function allPages(
  first: ZoomRequest,
  schema: JsonSchema,
  controls: Controls,
  zoomArgs: Readonly<Record<string, unknown>>,
  ctx: ExecuteContext & { readonly maxPages: number },
  send: SendOptions,
): Promise<Collected> {
  const maxItems = controls.max_items ?? DEFAULT_MAX_ITEMS;
  const largestAllowed = largestPageSize(schema);
  const asked = typeof zoomArgs.page_size === "number" ? zoomArgs.page_size : undefined;
  // The call's own page_size wins, but never past max_items; otherwise the largest the tool allows.
  const pageSize =
    asked !== undefined ? Math.min(asked, maxItems) : largestAllowed !== undefined ? pageSizeFor(largestAllowed, controls.max_items) : undefined;
  const paths = parseFieldList(controls.fields);
  return collectPages(
    first,
    ctx.client,
    {
      maxItems,
      maxPages: ctx.maxPages,
      ...(pageSize !== undefined ? { pageSize } : {}),
      // What the cap keeps once it has to cut (room for the note): pages past it would be dropped.
      budget: ctx.maxResultChars - MAX_NOTE - 1,
      measure: async (items, key) => {
        // Sized as they will be shown, after `fields`.
        const shown = paths.length ? (projectFields({ [key]: items }, paths).data as Record<string, unknown>)[key] : items;
        return new Sizes(ctx.maxResultChars + 1).of(shown ?? []);
      },
    },
    send,
    (p) =>
      ctx.onProgress?.(`page ${p.pages}: ${p.items}${p.total !== undefined ? ` of ${p.total}` : ""} items`, {
        progress: p.items,
        ...(p.total !== undefined ? { total: p.total } : {}),
      }),
  );
}

export interface PageProgress {
  readonly pages: number;
  readonly items: number;
  readonly total?: number;
}

/** Why paging stopped. */
export type StopReason = "last_page" | "empty_page" | "repeated_token" | "max_items" | "page_limit" | "size_cap" | "failed" | "no_items";

/** Where one fetched page starts in the merged items, and the token that fetched it. */
export interface PageMark {
  readonly start: number;
  /** The `next_page_token` sent for this page (undefined for a first page). */
  readonly token: string | undefined;
}

export interface Collected {
  readonly outcome: ZoomSuccess | ZoomFailure;
  /** Why paging stopped, in a sentence. */
  readonly notes: string[];
  /** How the result's next_page_token continues, if it does; void once the cap changes the token. */
  readonly resume?: string;
  /** Set when pages were merged: what the cap needs to cut at a page boundary. */
  readonly paging?: {
    readonly key: string;
    readonly marks: readonly PageMark[];
    readonly stop: StopReason;
  };
}

export interface CollectOptions {
  readonly maxItems: number;
  readonly maxPages: number;
  /** Sent as `page_size` on every page. */
  readonly pageSize?: number;
  /**
   * Serialised size of a page's items as they will be shown (after `fields`); paging stops once
   * the merged items are over `budget`, since the cap would drop the rest.
   */
  readonly measure?: (items: unknown[], key: string) => Promise<number>;
  readonly budget?: number;
}

type Page = Record<string, unknown>;

/** The page's item array: its largest top-level array (`meetings`, `users`, `participants`, ...). */
export function itemsKey(page: Page): string | undefined {
  let best: string | undefined;
  for (const [key, value] of Object.entries(page)) {
    if (Array.isArray(value) && (best === undefined || value.length > (page[best] as unknown[]).length)) best = key;
  }
  return best;
}

/** The largest `page_size` the tool's input JSON Schema allows, if it gives a maximum. */
export function largestPageSize(schema: JsonSchema): number | undefined {
  const field = (schema.properties as Record<string, JsonSchema> | undefined)?.page_size;
  if (typeof field?.maximum === "number") return Math.floor(field.maximum);
  if (typeof field?.exclusiveMaximum === "number") return Math.ceil(field.exclusiveMaximum) - 1;
  return undefined;
}

/**
 * The page size for `all_pages`: the largest allowed, except that an asked-for `max_items` that
 * takes as many pages at a size that divides it evenly uses that size, so the last page ends
 * exactly at `max_items` and the next token resumes right after it.
 */
export function pageSizeFor(largestAllowed: number, maxItems: number | undefined): number {
  if (maxItems === undefined) return largestAllowed;
  if (maxItems <= largestAllowed) return maxItems;
  const pages = Math.ceil(maxItems / largestAllowed);
  return maxItems % pages === 0 ? maxItems / pages : largestAllowed;
}

/** Sends `first`, then the same request with each `next_page_token` Zoom returns, until a stop condition. */
export async function collectPages(
  first: ZoomRequest,
  client: ZoomClient,
  options: CollectOptions,
  send: SendOptions,
  onPage: (progress: PageProgress) => void,
): Promise<Collected> {
  const { maxItems, maxPages } = options;
  const startToken = first.query?.get("next_page_token") || undefined;
  const baseQuery = new URLSearchParams(first.query);
  if (options.pageSize !== undefined) baseQuery.set("page_size", String(options.pageSize));
  const seen = new Set<string>(startToken ? [startToken] : []);
  const marks: PageMark[] = [];
  let token = startToken;
  let merged: Page | undefined;
  let key: string | undefined;
  let items: unknown[] = [];
  let pages = 0;
  let retries = 0;
  let example = false;
  let shownChars = 0;
  let stop: StopReason;
  let failure = "";
  for (;;) {
    const query = new URLSearchParams(baseQuery);
    if (token) query.set("next_page_token", token);
    else query.delete("next_page_token");
    const outcome = await client.send({ ...first, query }, send);
    retries += outcome.retries;
    if (!outcome.ok) {
      if (!merged || outcome.kind === "aborted") return { outcome: { ...outcome, retries }, notes: [] };
      stop = "failed";
      failure = outcome.message;
      merged.next_page_token = token ?? "";
      break;
    }
    const page = (outcome.data && typeof outcome.data === "object" && !Array.isArray(outcome.data) ? outcome.data : {}) as Page;
    pages++;
    example ||= outcome.sandboxExample === true;
    if (!merged) {
      merged = { ...page };
      key = itemsKey(page);
    }
    const pageItems = key && Array.isArray(page[key]) ? (page[key] as unknown[]) : [];
    marks.push({ start: items.length, token });
    for (const item of pageItems) items.push(item);
    const total = typeof page.total_records === "number" ? page.total_records : undefined;
    onPage({ pages, items: items.length, ...(total !== undefined ? { total } : {}) });
    const next = typeof page.next_page_token === "string" && page.next_page_token ? page.next_page_token : undefined;
    merged.next_page_token = next ?? "";
    if (options.measure && options.budget !== undefined && pageItems.length) shownChars += await options.measure(pageItems, key!);

    if (!key) stop = "no_items";
    else if (!next) stop = "last_page";
    else if (items.length >= maxItems) stop = "max_items";
    else if (pageItems.length === 0) stop = "empty_page";
    else if (seen.has(next)) stop = "repeated_token";
    else if (pages >= maxPages) stop = "page_limit";
    else if (options.budget !== undefined && shownChars > options.budget) stop = "size_cap";
    else if (send.signal?.aborted) return { outcome: { ok: false, kind: "aborted", message: "The call was cancelled.", retries }, notes: [] };
    else {
      seen.add(next);
      token = next;
      continue;
    }
    break;
  }
  merged ??= {};
  if (key) merged[key] = items;
  let lastNote = "";
  if (stop === "repeated_token") merged.next_page_token = "";
  if (key && items.length > maxItems) {
    // The last page went past max_items. Its own token resumes at its first item, so nothing is
    // skipped; the items already shown from it come again.
    const cut = marks[marks.length - 1]!;
    items.length = maxItems;
    merged.next_page_token = cut.token ?? "";
    lastNote = cut.token
      ? ` next_page_token resumes at the start of the last page fetched, so its first ${maxItems - cut.start} item(s) come again.`
      : ` Zoom sent more items than page_size, so no token resumes exactly here: call again with page_size=${maxItems} for one that does.`;
  }
  if (pages > 1 || options.pageSize !== undefined) {
    // The merged result is one logical page: page_count/page_number describe Zoom's pages, not this result.
    delete merged.page_count;
    delete merged.page_number;
    if (key) merged.page_size = items.length;
  }
  const n = key ? items.length : 0;
  const more = typeof merged.next_page_token === "string" && merged.next_page_token !== "";
  const said: Record<StopReason, string> = {
    last_page: `all_pages: read ${n} item(s) in ${pages} page(s); that is all of them.`,
    no_items: `all_pages: the answer has no item list to page through; returned the first page only.`,
    max_items: `all_pages: stopped at max_items (${maxItems}) after ${pages} page(s).`,
    empty_page: `all_pages: stopped after ${pages} page(s) and ${n} item(s): page ${pages} was empty yet carried a next_page_token, which would page forever.`,
    repeated_token: `all_pages: stopped after ${pages} page(s) and ${n} item(s): Zoom returned a next_page_token it had already given (a loop), so the token was cleared.`,
    page_limit: `all_pages: stopped at the page limit (${maxPages} pages, ${envName("maxPages")}) with ${n} item(s).`,
    size_cap: `all_pages: stopped after ${pages} page(s) and ${n} item(s): more pages would not fit the size cap.`,
    failed: `all_pages: stopped after ${pages} page(s) and ${n} item(s): page ${pages + 1} failed (${cutText(clipWords(failure), 200)}).`,
  };
  return {
    outcome: { ok: true, status: 200, data: merged, retries, ...(example ? { sandboxExample: true as const } : {}) },
    notes: [said[stop] + (more ? "" : lastNote)],
    ...(more ? { resume: `The result's next_page_token continues from there.${lastNote}` } : {}),
    ...(key ? { paging: { key, marks, stop } } : {}),
  };
}
