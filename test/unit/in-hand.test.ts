// DeliveriesInHand: a delivery is held (so a redelivery is recognised) until its recording is committed, and never
// longer than its attempt when the store dropped the recording (it overflowed): otherwise an outage leaks every one.

import { describe, expect, it } from 'vitest';
import { DeliveriesInHand } from '../../src/delivery/in-hand.js';
import type { Recording } from '../../src/store/recording.js';

function fakeRecording() {
  const committed: (() => void)[] = [];
  const recording = { dropped: false, onCommitted: (fn: () => void) => committed.push(fn) };
  return { recording: recording as unknown as Recording & { dropped: boolean }, commit: () => committed.splice(0).forEach((fn) => fn()) };
}

function attempt() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { done, finish: async () => (finish(), await done, await Promise.resolve()) };
}

describe('DeliveriesInHand', () => {
  it('holds a delivery until its attempt is over and its recording committed', async () => {
    const inHand = new DeliveriesInHand();
    const { recording, commit } = fakeRecording();
    const run = attempt();
    inHand.track('d1', { done: run.done, whole: () => true, recording });
    await run.finish();
    expect(inHand.get('d1')).toBeDefined();
    commit();
    await Promise.resolve();
    expect(inHand.get('d1')).toBeUndefined();
  });

  it('forgets one whose recording was dropped before the attempt ended, once it ends (not before)', async () => {
    const inHand = new DeliveriesInHand();
    const { recording } = fakeRecording();
    const run = attempt();
    inHand.track('d2', { done: run.done, whole: () => true, recording });
    recording.dropped = true;
    inHand.forgetDropped();
    expect(inHand.get('d2')).toBeDefined();
    await run.finish();
    expect(inHand.get('d2')).toBeUndefined();
  });

  it('forgets one whose recording is dropped after the attempt ended, when the store says it dropped some', async () => {
    const inHand = new DeliveriesInHand();
    const { recording } = fakeRecording();
    const run = attempt();
    inHand.track('d3', { done: run.done, whole: () => true, recording });
    await run.finish();
    expect(inHand.get('d3')).toBeDefined();
    recording.dropped = true;
    inHand.forgetDropped();
    expect(inHand.get('d3')).toBeUndefined();
  });
});
