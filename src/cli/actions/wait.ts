// Runs `wait`: blocks until an exchange matching every --match is recorded, prints it, exits 0; 124 on timeout.

import { parseDuration, formatDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import { exchangeToJson } from '../../exchange.js';
import { parseMatch } from '../../match/match-expr.js';
import { exchangeDetail } from '../../output/exchange-text.js';
import { jsonText } from '../../output/json-text.js';
import type { Store } from '../../store/store.js';
import { openExistingStore } from '../open-store.js';
import { waitForExchange } from '../../wait/wait-for-exchange.js';

/** The exit status of timeout(1) when the time ran out, so scripts can tell "not yet" from "broken". */
export const EXIT_TIMEOUT = 124;

export interface WaitFlags {
  match?: string[];
  timeout: string;
  since: string;
  json?: boolean;
  db?: string;
}

/** `--since now` (default), `--since 42` (ids after #42), or `--since 10m` (received in the last ten minutes). */
export function parseSince(value: string, store: Store, now = Date.now()): { afterId: number; receivedSince?: number } {
  const text = checkSince(value);
  if (text === 'now') return { afterId: store.lastId() };
  if (/^\d+$/.test(text)) return { afterId: Number(text) };
  return { afterId: 0, receivedSince: now - parseDuration(text, '--since') };
}

/** Refuses a --since that is none of the three forms (before the database is opened); returns it trimmed. */
function checkSince(value: string): string {
  const text = value.trim().replace(/^#/, '');
  if (text === 'now' || /^\d+$/.test(text) || /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(text)) return text;
  throw usageError(`--since "${value}" is not now, an exchange id or a duration`, 'for example --since now, --since 42 (after #42) or --since 10m');
}

export async function wait(flags: WaitFlags): Promise<void> {
  const matchers = (flags.match ?? []).map(parseMatch);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  checkSince(flags.since);
  // A missing database is not created (a mistyped --db would wait on a file nothing writes): start `listen` first.
  const store = openExistingStore(flags.db);
  try {
    const since = parseSince(flags.since, store);
    const found = await waitForExchange(store, { matchers, timeoutMs, ...since });
    if (!found) {
      const what = matchers.length ? `matching ${matchers.map((m) => m.source).join(' ')}` : 'recorded';
      throw new UserError(`no exchange ${what} within ${formatDuration(timeoutMs)}`, { exitCode: EXIT_TIMEOUT });
    }
    process.stdout.write(flags.json ? `${jsonText(exchangeToJson(found), 2)}\n` : `${exchangeDetail(found, 'both')}\n`);
  } finally {
    store.close();
  }
}
