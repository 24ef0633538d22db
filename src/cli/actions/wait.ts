// Runs `wait`: blocks until an exchange matching every --match is recorded, prints it, exits 0; 124 on timeout.

import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration, formatDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import { exchangeToJson } from '../../exchange.js';
import { fieldsMayMatch, matchesAll, parseMatch, type Matcher } from '../../match/match-expr.js';
import { exchangeDetail } from '../../output/exchange-text.js';
import { jsonText } from '../../output/json-text.js';
import type { Store } from '../../store/store.js';
import { waitForExchange } from '../../wait/wait-for-exchange.js';
import { openStore } from '../open-store.js';
import { chooseDb } from '../project-db.js';

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
  const receivedSince = now - parseDuration(text, '--since');
  // Looked at from the first exchange of the window on, not from #1: `--since 1h` read every row of a store weeks old
  // (3.4 GB for 300,000 exchanges) before it looked at the last hour. Later ids received earlier (a relay's backlog
  // delivered late) are left out by receivedSince.
  const first = store.firstIdReceivedSince(receivedSince);
  return { afterId: first === undefined ? store.lastId() : first - 1, receivedSince };
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
  const sinceText = checkSince(flags.since);
  // --timeout 0 waits for ever, for the database as for the exchange.
  const deadline = timeoutMs === 0 ? Infinity : Date.now() + timeoutMs;
  const path = (await chooseDb(flags.db)).path;
  // Never created here (a mistyped --db would make an empty file and folders): a script may start `listen` in the
  // background and `wait` at once, so the database is waited for, within the same --timeout.
  const created = !existsSync(path);
  if (created) {
    process.stderr.write(`waiting for ${path} to be created by \`hooktunnel listen\`\n`);
    if (!(await untilExists(path, deadline))) {
      throw new UserError(`no database at ${path} within ${formatDuration(timeoutMs)}`, {
        hint: 'start `hooktunnel listen` (it creates the database), or check --db / HOOKTUNNEL_DB',
        exitCode: EXIT_TIMEOUT,
        code: 'timeout',
      });
    }
  }
  const store = openStore(path);
  try {
    // Created while we waited: every exchange in it came after `now`.
    const since = created && sinceText === 'now' ? { afterId: 0 } : parseSince(sinceText, store);
    const found = await waitForExchange(store, { matchers, timeoutMs: timeoutMs === 0 ? 0 : Math.max(1, deadline - Date.now()), ...since });
    if (!found) {
      const what = matchers.length ? `matching ${matchers.map((m) => m.source).join(' ')}` : 'recorded';
      const earlier = sinceText === 'now' && !created ? matchedBefore(store, matchers, since.afterId) : undefined;
      throw new UserError(`no exchange ${what} within ${formatDuration(timeoutMs)}`, { exitCode: EXIT_TIMEOUT, code: 'timeout', hint: earlier === undefined ? undefined : lateHint(earlier) });
    }
    process.stdout.write(flags.json ? `${jsonText(exchangeToJson(found), 2)}\n` : `${exchangeDetail(found, 'both')}\n`);
  } finally {
    store.close();
  }
}

/** How many of the exchanges recorded just before `wait` started are looked at when it times out. */
const LOOK_BACK = 20;

/**
 * The newest of the last LOOK_BACK exchanges up to `lastId` that matches: a script that sends (`trigger` returns once its
 * exchange is recorded) and then waits with the default `--since now` waits for something that already happened.
 */
function matchedBefore(store: Store, matchers: Matcher[], lastId: number): number | undefined {
  for (let id = lastId; id > Math.max(0, lastId - LOOK_BACK); id--) {
    // Ruled out by its summary where it can be: the headers and bodies are read only for what may match.
    const summary = store.summary(id);
    if (!summary || !fieldsMayMatch(matchers, summary)) continue;
    const exchange = store.get(id);
    if (exchange && matchesAll(matchers, exchange)) return id;
  }
  return undefined;
}

function lateHint(id: number): string {
  return (
    `#${id} matches, but was recorded before wait started (--since now, the default, looks only at later ones): ` +
    `note the newest id before sending, id=$(hooktunnel ls -n 1 --json | jq '.[0].id // 0'), then wait --since "$id"; or pass --since ${id - 1}`
  );
}

/** How often a database that does not exist yet is looked for: `listen` creates it within its first second. */
const LOOK_EVERY_MS = 100;

/** True once `path` exists, false at the deadline. */
async function untilExists(path: string, deadline: number): Promise<boolean> {
  while (!existsSync(path)) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(LOOK_EVERY_MS, left));
  }
  return true;
}
