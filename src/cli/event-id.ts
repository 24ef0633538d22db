// Which exchange a provider event id names. An event is often recorded more than once: the sender retried it or sent
// it twice (a duplicate), or it was replayed, or `trigger --to <the tunnel's URL>` recorded it at both ends. The one
// taken is the sender's first delivery, the webhook as it arrived through the tunnel, which is what `replay` should
// send again and `show` should show; the others are listed on stderr, so the user can give the id of another. stdout
// is left alone: `--json` output stays what the command promises. "Delivered again" says what the duplicate mark says:
// only deliveries of the same kind (delivery-kind.ts) repeat one another.

import { chalkStderr } from 'chalk';
import { sanitize } from '../sanitize.js';
import type { EventMatch } from '../store/event-matches.js';
import type { Store } from '../store/store.js';
import type { ExchangeRef } from './exchange-ids.js';

/** Others named in the note at most; an event redelivered for days would otherwise fill the screen. */
const OTHERS_SHOWN = 10;

/**
 * The sender's first delivery: the oldest exchange that came through a relay and is not a replay; without one (sent by
 * trigger to the app, imported from a foreign archive), the oldest that is not a replay. With only replays left (the
 * delivery was pruned), the oldest replay, whose request is the delivery's unless it was edited. Trigger's own row of
 * a sample it sent through the tunnel is never taken over the listen's: replaying it would go through the tunnel again.
 */
export function chooseDelivery(matches: readonly EventMatch[]): EventMatch | undefined {
  const deliveries = matches.filter((match) => match.replayOf === null);
  return deliveries.find((match) => match.throughRelay) ?? deliveries[0] ?? matches[0];
}

/**
 * The exchange id of each ref: a number as it is, an event id looked up (undefined when nothing has it). When an event
 * id has several exchanges, says on stderr which one is used and lists the others, once per event id.
 */
function resolveRefs(store: Store, refs: readonly ExchangeRef[], write: (text: string) => void = (text) => process.stderr.write(text)): (number | undefined)[] {
  const chosen = new Map<string, number | undefined>();
  return refs.map((ref) => {
    if (typeof ref === 'number') return ref;
    if (chosen.has(ref.eventId)) return chosen.get(ref.eventId);
    const matches = store.eventMatches(ref.eventId);
    const choice = chooseDelivery(matches);
    if (choice && matches.length > 1) write(`${chalkStderr.dim('note:')} ${severalNote(ref.eventId, choice, matches)}\n`);
    chosen.set(ref.eventId, choice?.id);
    return choice?.id;
  });
}

/**
 * What each ref names, as `read` reads it (store.get whole, store.summary without headers and bodies); undefined where
 * nothing is recorded under the ref, or its exchange is gone. Says on stderr which exchange an event id is taken as.
 */
export function readRefs<T>(store: Store, refs: readonly ExchangeRef[], read: (id: number) => T | undefined): (T | undefined)[] {
  return resolveRefs(store, refs).map((id) => (id === undefined ? undefined : read(id)));
}

/**
 * `event id "evt_1" was recorded 3 times; using #1, the sender's first delivery; the others: #4 (delivered again),
 * #7 (replay of #1)`. The event id came from the network (it is the one recorded): escaped.
 */
export function severalNote(eventId: string, choice: EventMatch, matches: readonly EventMatch[]): string {
  // The same id under two providers is two events (ids are unique within a provider only): name each one's provider.
  const providers = new Set(matches.map((match) => match.provider));
  const describe = (match: EventMatch): string => {
    const what =
      match.replayOf !== null
        ? `replay of #${match.replayOf}`
        : choice.throughRelay && !match.throughRelay
          ? // Its own kind: what listen received is not a repeat of trigger's row of the same request, nor the reverse.
            'not through a tunnel: trigger or import'
          : match.provider === choice.provider
            ? 'delivered again'
            : 'delivered';
    return providers.size > 1 ? `${match.provider}, ${what}` : what;
  };
  const used =
    choice.replayOf === null
      ? `#${choice.id}, the sender's first delivery${providers.size > 1 ? ` (${choice.provider})` : ''}`
      : `#${choice.id}, a replay of #${choice.replayOf} (no delivery of it is recorded: pruned?)`;
  const others = matches.filter((match) => match !== choice);
  const listed = others.slice(0, OTHERS_SHOWN).map((match) => `#${match.id} (${describe(match)})`);
  if (others.length > OTHERS_SHOWN) listed.push(`and ${others.length - OTHERS_SHOWN} more`);
  return sanitize(`event id "${eventId}" was recorded ${matches.length} times; using ${used}; the others: ${listed.join(', ')}`);
}
