// Which exchange an event id names when it was recorded several times, and what stderr says about the others.

import { describe, expect, it } from 'vitest';
import { chooseDelivery, severalNote } from '../../src/cli/event-id.js';
import type { EventMatch } from '../../src/store/event-matches.js';

const delivery = (id: number, provider = 'stripe'): EventMatch => ({ id, provider, replayOf: null, throughRelay: true });
const replay = (id: number, of: number): EventMatch => ({ id, provider: 'stripe', replayOf: of, throughRelay: true });
/** Trigger's own row of a sample it sent (or an import from a foreign archive): no relay, no URL. */
const sentFromHere = (id: number): EventMatch => ({ id, provider: 'stripe', replayOf: null, throughRelay: false });

describe('chooseDelivery', () => {
  it('takes the sender\'s first delivery, never a replay made before a later delivery', () => {
    // #2 replays an earlier delivery (pruned since); #3 and #5 are the sender's.
    expect(chooseDelivery([replay(2, 1), delivery(3), replay(4, 3), delivery(5)])?.id).toBe(3);
  });

  it('takes what came through the tunnel over trigger\'s own row of the same request, recorded first', () => {
    // `trigger --to <the tunnel's URL>`: #3 is trigger's row, #4 the listen's; replaying #3 would go through the tunnel.
    expect(chooseDelivery([sentFromHere(3), delivery(4)])?.id).toBe(4);
    expect(chooseDelivery([replay(2, 1), sentFromHere(3)])?.id).toBe(3);
  });

  it('with only replays left (the delivery pruned), the oldest replay', () => {
    expect(chooseDelivery([replay(7, 1), replay(9, 1)])?.id).toBe(7);
  });

  it('nothing for no match', () => {
    expect(chooseDelivery([])).toBeUndefined();
  });
});

describe('severalNote', () => {
  it('says which is used, and why, when only replays are left', () => {
    const matches = [replay(7, 1), replay(9, 7)];
    expect(severalNote('evt_1', matches[0], matches)).toBe(
      'event id "evt_1" was recorded 2 times; using #7, a replay of #1 (no delivery of it is recorded: pruned?); the others: #9 (replay of #7)',
    );
  });

  it('names each provider when the same id came from two (ids are unique within one provider only)', () => {
    const matches = [delivery(1), delivery(2, 'github'), delivery(3)];
    expect(severalNote('abc', matches[0], matches)).toBe(
      'event id "abc" was recorded 3 times; using #1, the sender\'s first delivery (stripe); the others: #2 (github, delivered), #3 (stripe, delivered again)',
    );
  });

  it('does not call trigger\'s own row of a sample it sent through the tunnel a delivery again', () => {
    const matches = [sentFromHere(3), delivery(4), delivery(6)];
    expect(severalNote('evt_1', matches[1], matches)).toBe(
      'event id "evt_1" was recorded 3 times; using #4, the sender\'s first delivery; the others: #3 (not through a tunnel: trigger or import), #6 (delivered again)',
    );
  });

  it('lists ten others at most, and counts the rest', () => {
    const matches = Array.from({ length: 14 }, (_, i) => delivery(i + 1));
    const note = severalNote('evt_1', matches[0], matches);
    expect(note).toMatch(/the others: #2 \(delivered again\), .*, #11 \(delivered again\), and 3 more$/);
  });
});
