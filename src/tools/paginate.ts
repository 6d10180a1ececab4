/** `all_pages`: follow `next_page_token`, merge the pages' item arrays, report progress per page. */
import type { SendOptions, ZoomClient, ZoomFailure, ZoomRequest, ZoomSuccess } from "../http/client.js";

export interface Collected {
  readonly outcome: ZoomSuccess | ZoomFailure;
  readonly notes: string[];
}

export interface PageProgress {
  readonly pages: number;
  readonly items: number;
  readonly total?: number;
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

/** Sends `first`, then the same request with each `next_page_token` Zoom returns. */
export async function collectPages(
  first: ZoomRequest,
  client: ZoomClient,
  maxItems: number,
  send: SendOptions,
  onPage: (progress: PageProgress) => void,
): Promise<Collected> {
  const notes: string[] = [];
  let token = first.query?.get("next_page_token") || undefined;
  let merged: Page | undefined;
  let key: string | undefined;
  let pages = 0;
  let retries = 0;
  let example = false;
  for (;;) {
    const query = new URLSearchParams(first.query);
    if (token) query.set("next_page_token", token);
    const outcome = await client.send({ ...first, query }, send);
    retries += outcome.retries;
    if (!outcome.ok) {
      if (!merged || outcome.kind === "aborted") return { outcome: { ...outcome, retries }, notes };
      notes.push(`Stopped after ${pages} page(s): page ${pages + 1} failed (${outcome.message}). next_page_token resumes there.`);
      merged.next_page_token = token ?? "";
      break;
    }
    const page = (outcome.data ?? {}) as Page;
    pages++;
    example ||= outcome.sandboxExample === true;
    if (!merged) {
      merged = { ...page };
      key = itemsKey(page);
      if (key) merged[key] = [...(page[key] as unknown[])];
    } else if (key && Array.isArray(page[key])) {
      (merged[key] as unknown[]).push(...(page[key] as unknown[]));
    }
    const items = key ? (merged[key] as unknown[]).length : 0;
    const total = typeof page.total_records === "number" ? page.total_records : undefined;
    onPage({ pages, items, ...(total !== undefined ? { total } : {}) });
    token = typeof page.next_page_token === "string" && page.next_page_token ? page.next_page_token : undefined;
    merged.next_page_token = token ?? "";
    if (!token || !key) break;
    if (items >= maxItems) {
      notes.push(`Stopped at max_items (${maxItems}) after ${pages} page(s) and ${items} items; pass next_page_token to continue.`);
      break;
    }
    if (send.signal?.aborted) break;
  }
  if (merged && pages > 1) {
    // The merged result is one logical page: page_size/page_count describe Zoom's pages, not this result.
    delete merged.page_count;
    delete merged.page_number;
    merged.page_size = key ? (merged[key] as unknown[]).length : merged.page_size;
  }
  return { outcome: { ok: true, status: 200, data: merged, retries, ...(example ? { sandboxExample: true as const } : {}) }, notes };
}
