// The page's filter: the TUI's terms (provider:, event:, status:, sig:, failed, words) plus method: and path:,
// applied over the store a page at a time so a filter never scans a whole large database in one request.

import type { ExchangeSummary } from '../exchange.js';
import type { Store } from '../store/store.js';
import { TimeSlices } from '../time-slices.js';
import { bodiesMatch, isEmptyQuery, parseFilter, wordsForBodies, type FilterQuery } from '../tui/filter.js';

/** Rows examined per list request at most; the answer says where to go on from. */
export const SCAN_LIMIT = 2_000;
const SCAN_PAGE = 200;

export interface WebFilter {
  query: FilterQuery;
  /** Upper-case method, exact. */
  method?: string;
  /** Path prefix, exact case. */
  path?: string;
}

/** Parses the filter box: `method:` and `path:` are taken out here, everything else is the TUI's syntax. */
export function parseWebFilter(text: string): WebFilter {
  let method: string | undefined;
  let path: string | undefined;
  const rest: string[] = [];
  for (const word of text.split(/\s+/)) {
    const m = /^(method|path):(.+)$/i.exec(word);
    if (m && m[1].toLowerCase() === 'method') method = m[2].toUpperCase();
    else if (m) path = m[2];
    else rest.push(word);
  }
  return { query: parseFilter(rest.join(' ')), method, path };
}

function matches(store: Store, e: ExchangeSummary, filter: WebFilter): boolean {
  if (filter.method && e.method.toUpperCase() !== filter.method) return false;
  const words = wordsForBodies(e, filter.query);
  if (words === null) return false;
  if (words.length === 0) return true;
  // The whole exchange (bodies included) is read once, for all the words the summary does not answer.
  const whole = store.get(e.id);
  return whole !== undefined && bodiesMatch(whole, words);
}

export interface ListPage {
  items: ExchangeSummary[];
  /** Pass as `before` for the next page; null when the oldest row has been examined. */
  next: number | null;
}

/** Newest first, up to `limit` matching rows older than `before`. */
export async function listFiltered(store: Store, filter: WebFilter, options: { limit: number; before?: number }): Promise<ListPage> {
  const plain = isEmptyQuery(filter.query) && !filter.method;
  if (plain) {
    const items = store.list({ limit: options.limit, beforeId: options.before, pathPrefix: filter.path });
    return { items, next: items.length === options.limit ? items[items.length - 1].id : null };
  }
  const items: ExchangeSummary[] = [];
  let before = options.before;
  let scanned = 0;
  // A word search reads bodies on the thread that also forwards `listen`'s webhooks: it gives the loop back often.
  const slices = new TimeSlices();
  while (scanned < SCAN_LIMIT) {
    const page = store.list({ limit: SCAN_PAGE, beforeId: before, pathPrefix: filter.path });
    for (const e of page) {
      if (slices.due) await slices.next();
      scanned++;
      before = e.id;
      if (matches(store, e, filter)) items.push(e);
      if (items.length === options.limit) return { items, next: e.id };
    }
    if (page.length < SCAN_PAGE) return { items, next: null };
  }
  return { items, next: before ?? null };
}
