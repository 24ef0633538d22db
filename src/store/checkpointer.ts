// WAL checkpoints for a long-running recorder. SQLite's automatic checkpoint runs inside whichever commit crosses
// 1,000 pages and fsyncs there: measured here, that tripled the cost of recording a webhook (389 → 128 µs). So it is
// off, and once a second this runs a checkpoint instead, where it costs least:
// - after a quiet second (a few webhooks), on the event loop: a few pages and one fsync, about 0.6 ms;
// - while the recorder is busy, from a worker thread with its own connection, so forwarding never waits for one.
// The worker quits once writing stops: a second V8 isolate and SQLite connection keep about 8 MiB resident, which
// an idle `listen` has no use for.

import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export const CHECKPOINT_INTERVAL_MS = 1_000;
/** Rows changed in one interval above which the checkpoints move off the event loop (about 50 webhooks). */
export const BUSY_CHANGES = 100;
/** A checkpoint on the event loop that took longer than this (a large body in few rows) moves the next ones off it. */
export const SLOW_CHECKPOINT_MS = 10;
/** Intervals without a change after which the worker quits. */
export const QUIET_INTERVALS = 3;

export interface CheckpointResult {
  /** How long the event loop waited for it. */
  ms: number;
  /** Was the whole WAL copied into the database? A reader in another process can hold some of it back. */
  complete: boolean;
}

export interface CheckpointRunner {
  /** Rows changed through the recorder's connection so far. */
  changes(): number;
  /** A PASSIVE checkpoint on this thread (it never waits for a lock). */
  checkpointHere(): CheckpointResult;
  startWorker(): void;
  stopWorker(): void;
}

/** Where each interval's checkpoint runs, apart from SQLite and threads: call `tick()` every CHECKPOINT_INTERVAL_MS. */
export class CheckpointSchedule {
  private lastChanges: number;
  private inWorker = false;
  private workerFailed = false;
  private quietIntervals = 0;
  /** Frames may be left in the WAL although nothing changed since the last interval. */
  private leftover = false;

  constructor(private readonly runner: CheckpointRunner) {
    this.lastChanges = runner.changes();
  }

  tick(): void {
    const changes = this.runner.changes();
    const changed = changes - this.lastChanges;
    this.lastChanges = changes;
    if (this.inWorker) {
      this.quietIntervals = changed === 0 ? this.quietIntervals + 1 : 0;
      if (this.quietIntervals < QUIET_INTERVALS) return;
      this.inWorker = false;
      this.leftover = true; // the worker checkpoints once more as it closes; a reader may hold that one back
      this.runner.stopWorker();
      return;
    }
    if (changed > BUSY_CHANGES && !this.workerFailed) return this.moveToWorker();
    if (changed === 0 && !this.leftover) return;
    const { ms, complete } = this.runner.checkpointHere();
    this.leftover = !complete;
    if (ms > SLOW_CHECKPOINT_MS && !this.workerFailed) this.moveToWorker();
  }

  /** The worker stopped by itself (it could not open the database): from now on every checkpoint runs here. */
  workerGone(): void {
    this.workerFailed = true;
    this.inWorker = false;
    this.leftover = true;
  }

  private moveToWorker(): void {
    this.inWorker = true;
    this.quietIntervals = 0;
    this.runner.startWorker();
  }
}

// Plain JS for the worker: it runs from a string, so it needs no build step of its own.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('cache_size = -2000');
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or gone: the next one tries again */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); process.exit(0); });
`;

/** Runs the schedule for one connection (`listen`'s recorder) until `close()`. */
export class Checkpointer {
  private readonly timer: NodeJS.Timeout;
  private readonly schedule: CheckpointSchedule;
  private worker: Worker | undefined;

  constructor(db: Database.Database, path: string, driverPath: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const totalChanges = db.prepare('SELECT total_changes()').pluck();
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    this.schedule = new CheckpointSchedule({
      changes: () => totalChanges.get() as number,
      checkpointHere: () => {
        const started = performance.now();
        try {
          const { log, checkpointed } = checkpoint.get() as { log: number; checkpointed: number };
          return { ms: performance.now() - started, complete: checkpointed === log };
        } catch {
          // Busy or failing: the store reports its own errors, and SQLite checkpoints the WAL at close.
          return { ms: performance.now() - started, complete: true };
        }
      },
      startWorker: () => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver: driverPath, intervalMs } });
        worker.unref();
        // A failing worker must not take the recording down: the checkpoints come back to this thread.
        worker.on('error', () => {});
        worker.on('exit', () => {
          if (this.worker !== worker) return;
          this.worker = undefined;
          this.schedule.workerGone();
        });
        this.worker = worker;
      },
      stopWorker: () => {
        const worker = this.worker;
        this.worker = undefined;
        worker?.postMessage('close');
      },
    });
    this.timer = setInterval(() => {
      try {
        this.schedule.tick();
      } catch {
        // The connection failed (closed, damaged): the store reports that itself, and a checkpoint can wait.
      }
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.worker?.postMessage('close');
    this.worker = undefined;
  }
}
