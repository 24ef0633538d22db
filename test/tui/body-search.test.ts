// The TUI's body search: it gives the event loop back between slices, and a newer query's search takes over.

import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange.js';
import { TimeSlices } from '../../src/time-slices.js';
import { BodyVerdicts, searchBodies, type BodyJob } from '../../src/tui/body-search.js';
import { makeExchange } from './fake-model.js';

/** Slices that end after every `n` bodies read: the test, not the clock, says when a slice is over. */
class EveryNth extends TimeSlices {
  private readsInSlice = 0;
  constructor(private readonly n: number) {
    super();
  }
  override get due(): boolean {
    return this.readsInSlice >= this.n;
  }
  /** Called by the test's read. */
  read(): void {
    this.readsInSlice++;
  }
  override async next(): Promise<void> {
    await super.next();
    this.readsInSlice = 0;
  }
}

function jobsFor(exchanges: Exchange[], word: string): BodyJob[] {
  return exchanges.map((row) => ({ row, words: [word] }));
}

const body = (text: string) => Buffer.from(JSON.stringify({ text }));

describe('searchBodies', () => {
  it('gives the event loop a turn between slices, so I/O waiting meanwhile (a webhook) runs before the search ends', async () => {
    const exchanges = [1, 2, 3, 4, 5, 6].map((id) => makeExchange(id, { requestBody: body('nothing here') }));
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const order: string[] = [];
    const slices = new EveryNth(2);
    const search = searchBodies(jobsFor(exchanges, 'refund'), {
      read: (id) => {
        order.push(`read #${id}`);
        slices.read();
        return byId.get(id);
      },
      verdicts: new BodyVerdicts(),
      signal: new AbortController().signal,
      onFound: () => order.push('found'),
      slices,
    });
    setImmediate(() => order.push('webhook'));
    expect(await search).toBe(true);
    // Nothing is read in the turn that started the search: keys typed in one go start one search, not one each.
    expect(order).toEqual(['read #1', 'read #2', 'webhook', 'read #3', 'read #4', 'read #5', 'read #6']);
  });

  it('with the real 5 ms slices, a window of 256 KiB bodies is read over several turns', async () => {
    const exchanges = Array.from({ length: 100 }, (_, i) => makeExchange(i + 1, { requestBody: Buffer.alloc(256 * 1024, 'lorem ipsum ') }));
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    let reads = 0;
    const readsWhenOthersRan: number[] = [];
    let searching = true;
    // Something else on the loop (the tunnel's I/O), asking for a turn again and again while the search runs.
    const other = () => {
      readsWhenOthersRan.push(reads);
      if (searching) setImmediate(other);
    };
    const search = searchBodies(jobsFor(exchanges, 'refund'), {
      read: (id) => {
        reads++;
        return byId.get(id);
      },
      verdicts: new BodyVerdicts(),
      signal: new AbortController().signal,
      onFound: () => {},
    });
    setImmediate(other);
    expect(await search).toBe(true);
    searching = false;
    expect(reads).toBe(100);
    // The loop had turns in between: not all the reads happened in one go.
    const inBetween = readsWhenOthersRan.filter((n) => n > 0 && n < 100);
    expect(inBetween.length).toBeGreaterThan(1);
  });

  it('stops when a newer query aborts it, leaving the rest to the newer search', async () => {
    const exchanges = [1, 2, 3, 4, 5, 6].map((id) => makeExchange(id, { requestBody: body(id % 2 ? 'invoice' : 'refund') }));
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const reads: string[] = [];
    const first = new AbortController();
    const firstVerdicts = new BodyVerdicts();
    const firstSlices = new EveryNth(2);
    let second: Promise<boolean> | undefined;
    const secondVerdicts = new BodyVerdicts();
    const typedAgain = () => {
      // The next key: the old query's search is cancelled and the new one starts.
      first.abort();
      second = searchBodies(jobsFor(exchanges, 'invoice'), {
        read: (id) => {
          reads.push(`invoice #${id}`);
          return byId.get(id);
        },
        verdicts: secondVerdicts,
        signal: new AbortController().signal,
        onFound: () => {},
      });
    };
    const firstSearch = searchBodies(jobsFor(exchanges, 'refund'), {
      read: (id) => {
        reads.push(`refund #${id}`);
        firstSlices.read();
        // The key arrives while the first slice runs; it is handled in the turn the search gives back.
        if (id === 1) setImmediate(typedAgain);
        return byId.get(id);
      },
      verdicts: firstVerdicts,
      signal: first.signal,
      onFound: () => {},
      slices: firstSlices,
    });
    expect(await firstSearch).toBe(false);
    expect(await second).toBe(true);
    expect(reads).toEqual(['refund #1', 'refund #2', ...[1, 2, 3, 4, 5, 6].map((id) => `invoice #${id}`)]);
    expect(exchanges.map((e) => firstVerdicts.get(e))).toEqual([false, true, undefined, undefined, undefined, undefined]);
    expect(exchanges.map((e) => secondVerdicts.get(e))).toEqual([true, false, true, false, true, false]);
  });

  it('says it found matches before giving the turn away, so the list shows them while the search goes on', async () => {
    const exchanges = [1, 2, 3, 4].map((id) => makeExchange(id, { requestBody: body(id === 2 ? 'refund' : 'invoice') }));
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const order: string[] = [];
    const slices = new EveryNth(2);
    const verdicts = new BodyVerdicts();
    await searchBodies(jobsFor(exchanges, 'refund'), {
      read: (id) => {
        order.push(`read #${id}`);
        slices.read();
        return byId.get(id);
      },
      verdicts,
      signal: new AbortController().signal,
      onFound: () => order.push(`found: ${exchanges.filter((e) => verdicts.get(e)).map((e) => `#${e.id}`)}`),
      slices,
    });
    // After the last slice the caller learns of the end itself (the promise), matches or not.
    expect(order).toEqual(['read #1', 'read #2', 'found: #2', 'read #3', 'read #4']);
  });
});

describe('BodyVerdicts', () => {
  it('keeps a pending exchange’s verdict only while it is pending: its response may hold the word', () => {
    const verdicts = new BodyVerdicts();
    const pending = makeExchange(1, { state: 'pending' });
    verdicts.set(pending, false);
    expect(verdicts.get(pending)).toBe(false);
    expect(verdicts.get({ ...pending, state: 'complete' })).toBeUndefined();
  });

  it('lets the least recently used verdicts go when full, never those of the rows still read at every frame', () => {
    const verdicts = new BodyVerdicts(3);
    const [onScreen, ...others] = [1, 2, 3, 4, 5].map((id) => makeExchange(id));
    verdicts.set(onScreen, true);
    for (const row of others) {
      verdicts.set(row, false);
      expect(verdicts.get(onScreen)).toBe(true);
    }
    expect(others.map((row) => verdicts.get(row))).toEqual([undefined, undefined, false, false]);
  });
});
