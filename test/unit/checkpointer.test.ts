import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BUSY_CHANGES, CheckpointSchedule, SLOW_CHECKPOINT_MS, QUIET_INTERVALS, type CheckpointRunner } from '../../src/store/checkpointer.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

/** A recorder whose writes the test makes by hand; it records where each checkpoint ran. */
function fakeRecorder() {
  const state = { changes: 0, ms: 1, complete: true, calls: [] as string[] };
  const runner: CheckpointRunner = {
    changes: () => state.changes,
    checkpointHere: () => {
      state.calls.push('here');
      return { ms: state.ms, complete: state.complete };
    },
    startWorker: () => state.calls.push('start worker'),
    stopWorker: () => state.calls.push('stop worker'),
  };
  return { state, runner, write: (rows: number) => (state.changes += rows) };
}

describe('CheckpointSchedule', () => {
  it('checkpoints on the event loop after a quiet interval, and not at all when nothing was written', () => {
    const { state, runner, write } = fakeRecorder();
    const schedule = new CheckpointSchedule(runner);
    schedule.tick();
    write(4);
    schedule.tick();
    schedule.tick();
    expect(state.calls).toEqual(['here']);
  });

  it('moves the checkpoints to a worker while the recorder is busy, and stops it once writing stops', () => {
    const { state, runner, write } = fakeRecorder();
    const schedule = new CheckpointSchedule(runner);
    write(BUSY_CHANGES + 1);
    schedule.tick();
    expect(state.calls).toEqual(['start worker']);
    for (let i = 0; i < 5; i++) {
      write(BUSY_CHANGES * 3);
      schedule.tick();
    }
    write(1); // a slower interval is still the busy spell: the worker stays
    schedule.tick();
    for (let i = 0; i < QUIET_INTERVALS - 1; i++) schedule.tick();
    expect(state.calls).toEqual(['start worker']);
    schedule.tick();
    expect(state.calls).toEqual(['start worker', 'stop worker']);
    // What the worker's last checkpoint may have left (a reader held it back) is taken on the next interval here.
    schedule.tick();
    expect(state.calls).toEqual(['start worker', 'stop worker', 'here']);
  });

  it('takes the worker after a slow checkpoint here (a large body is many pages in few rows)', () => {
    const { state, runner, write } = fakeRecorder();
    const schedule = new CheckpointSchedule(runner);
    write(20);
    state.ms = SLOW_CHECKPOINT_MS + 1;
    schedule.tick();
    expect(state.calls).toEqual(['here', 'start worker']);
  });

  it('tries again on a quiet interval when a reader held the last checkpoint back', () => {
    const { state, runner, write } = fakeRecorder();
    const schedule = new CheckpointSchedule(runner);
    state.complete = false;
    write(3);
    schedule.tick();
    state.complete = true;
    schedule.tick();
    schedule.tick();
    expect(state.calls).toEqual(['here', 'here']);
  });

  it('keeps every checkpoint on the event loop once a worker could not run', () => {
    const { state, runner, write } = fakeRecorder();
    const schedule = new CheckpointSchedule(runner);
    write(BUSY_CHANGES + 1);
    schedule.tick();
    schedule.workerGone();
    write(BUSY_CHANGES + 1);
    schedule.tick();
    expect(state.calls).toEqual(['start worker', 'here']);
  });
});

describe('a recorder store checkpoints its WAL itself', () => {
  const home = tempHome();
  afterAll(() => home.cleanup());


  /** Rows in the database file itself: a copy without its WAL shows only what a checkpoint has copied there. */
  function rowsInMainFile(path: string, copy: string): number {
    copyFileSync(path, copy);
    const db = new Database(copy, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM exchanges').pluck().get() as number;
    } finally {
      db.close();
    }
  }

  const record = (store: Store, n: number) => {
    const recording = store.begin(exchangeStart({ path: `/hook/${n}`, body: Buffer.from(`{"n":${n}}`) }));
    recording.respond(200, []);
    recording.complete(1);
  };

  it('on its own thread after a few webhooks', async () => {
    const path = `${home.dir}/quiet.db`;
    const store = Store.open(path, { backgroundCheckpoints: true, checkpointIntervalMs: 20 });
    try {
      for (let n = 0; n < 3; n++) record(store, n);
      store.writes.commitBatch();
      await vi.waitFor(() => expect(rowsInMainFile(path, `${home.dir}/quiet-copy.db`)).toBe(3), { timeout: 5_000, interval: 20 });
    } finally {
      store.close();
    }
  });

  it('from a worker while webhooks keep coming', async () => {
    const path = `${home.dir}/busy.db`;
    const store = Store.open(path, { backgroundCheckpoints: true, checkpointIntervalMs: 20 });
    const burst = BUSY_CHANGES * 2;
    for (let n = 0; n < burst; n++) record(store, n);
    store.writes.commitBatch();
    // While writes keep coming the worker stays and this thread runs no checkpoint: only the worker can copy the burst.
    let n = burst;
    const trickle = setInterval(() => record(store, n++), 2);
    try {
      await vi.waitFor(() => expect(rowsInMainFile(path, `${home.dir}/busy-copy.db`)).toBeGreaterThanOrEqual(burst), { timeout: 5_000, interval: 20 });
    } finally {
      clearInterval(trickle);
      store.close();
    }
  });
});
