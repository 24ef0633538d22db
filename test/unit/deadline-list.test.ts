// The relay's pending-timeout list: one timer for many deadlines of the same duration, O(1) removal.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineList, type Deadline } from '../../relay-server/deadline-list.js';

function entry(name: string, expired: string[]): Deadline {
  return { dueAt: 0, prevDue: undefined, nextDue: undefined, queued: false, expire: () => expired.push(name) };
}

describe('DeadlineList', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each entry once, in arrival order, exactly its duration after it was added, and never early', () => {
    const expired: string[] = [];
    const list = new DeadlineList(100);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => entry(name, expired));
    list.add(a);
    vi.advanceTimersByTime(30);
    list.add(b);
    vi.advanceTimersByTime(30);
    list.add(c);
    vi.advanceTimersByTime(39);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(29);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(30);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect([a.queued, b.queued, c.queued]).toEqual([false, false, false]);
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([
    ['the head', 0, ['b', 'c']],
    ['the middle', 1, ['a', 'c']],
    ['the tail', 2, ['a', 'b']],
  ])('removes %s in place; the others still expire, and a removed one never does', (_where, index, left) => {
    const expired: string[] = [];
    const list = new DeadlineList(50);
    const entries = ['a', 'b', 'c'].map((name) => entry(name, expired));
    for (const e of entries) {
      list.add(e);
      vi.advanceTimersByTime(10);
    }
    list.remove(entries[index]);
    list.remove(entries[index]);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(left);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('can take an entry back after it was removed or expired (a fresh deadline), and clear() stops everything', () => {
    const expired: string[] = [];
    const list = new DeadlineList(20);
    const a = entry('a', expired);
    list.add(a);
    vi.advanceTimersByTime(20);
    list.add(a);
    vi.advanceTimersByTime(19);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'a']);
    const b = entry('b', expired);
    list.add(b);
    list.clear();
    expect(b.queued).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['a', 'a']);
  });
});
