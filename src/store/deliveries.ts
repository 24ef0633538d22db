// Attempts and retries in SQL: who may run the next attempt of an exchange (an atomic lease, shared by the listener's
// scheduler and `hooktunnel retry`), the attempt history, and when the next automatic attempt is due.

import type Database from 'better-sqlite3';
import type { AttemptRecord } from '../exchange.js';
import { isAlive } from './process-alive.js';
import { isBusy, withoutWaiting } from './without-waiting.js';

export type { AttemptRecord };

export interface AttemptOutcome {
  startedAt: number;
  trigger: AttemptRecord['trigger'];
  status: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
  /** Sent signed afresh (see AttemptRecord). */
  resigned?: boolean;
  /** The local app was down or answered 5xx: worth another attempt, if any are left. */
  retryable: boolean;
}

export interface Settled {
  attempt: number;
  nextAttemptAt: number | null;
  maxAttempts: number | null;
  /** This attempt delivered the exchange after the app had taken this later-received one; null when in order. */
  deliveredAfter: number | null;
}

export interface Claim {
  exchangeId: number;
  /** Run the attempt only when true: nobody else is running one. */
  ok: boolean;
  /** Whoever holds the lease when ok is false. */
  heldBy?: number;
  /** Another process holds the database's write lock: nothing was claimed, the attempt stays due. */
  busy?: boolean;
  /** There is no such exchange (any more): deleted by a prune since it was looked up. */
  missing?: boolean;
}

/** An attempt the app took: it answered below 500 (a 4xx too: it was delivered, and is not retried). */
const SUCCEEDED = 'status < 500 AND error_code IS NULL';

/** Delay before automatic attempt n+1 after n failed ones. */
export type RetrySchedule = (failedAttempts: number) => number;

export class DeliveryLedger {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    /** The connection's busy_timeout, put back after an `auto` claim. */
    private readonly lockWaitMs: number,
  ) {
    const leaseFree = `(lease_until IS NULL OR lease_until <= @now)`;
    this.s = {
      claimDue: db.prepare(
        `UPDATE exchanges SET lease_until = @until, lease_pid = @pid
         WHERE id = @id AND next_attempt_at IS NOT NULL AND next_attempt_at <= @now AND ${leaseFree}`,
      ),
      claimAny: db.prepare(`UPDATE exchanges SET lease_until = @until, lease_pid = @pid WHERE id = @id AND ${leaseFree}`),
      holder: db.prepare(`SELECT lease_pid FROM exchanges WHERE id = ?`).pluck(),
      row: db.prepare(`SELECT attempt_count, max_attempts, next_attempt_at FROM exchanges WHERE id = ?`),
      insertAttempt: db.prepare(
        `INSERT INTO attempts (exchange_id, attempt, started_at, trigger, status, error_code, error_message, duration_ms, resigned)
         VALUES (@id, @attempt, @startedAt, @trigger, @status, @errorCode, @errorMessage, @durationMs, @resigned)`,
      ),
      settle: db.prepare(
        `UPDATE exchanges SET attempt_count = ?, next_attempt_at = ?, lease_until = NULL, lease_pid = NULL WHERE id = ?`,
      ),
      // Only an exchange with no automatic attempts of its own: a queued delivery is never adopted twice.
      adopt: db.prepare(
        `UPDATE exchanges SET queued_reason = @reason, sender_status = @senderStatus, sender_body = @senderBody,
           max_attempts = @maxAttempts, next_attempt_at = @now
         WHERE id = @id AND max_attempts IS NULL AND next_attempt_at IS NULL AND (lease_until IS NULL OR lease_until <= @now)`,
      ),
      countFirst: db.prepare(`UPDATE exchanges SET attempt_count = 1 WHERE id = ? AND attempt_count = 0`),
      release: db.prepare(`UPDATE exchanges SET lease_until = NULL, lease_pid = NULL WHERE id = ? AND lease_pid = ?`),
      due: db.prepare(
        `SELECT id FROM exchanges WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now AND target = @target AND ${leaseFree}
         ORDER BY next_attempt_at, id LIMIT @limit`,
      ).pluck(),
      nextDue: db.prepare(
        `SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) FROM exchanges WHERE next_attempt_at IS NOT NULL AND target = ?`,
      ).pluck(),
      pending: db.prepare(`SELECT count(*) FROM exchanges WHERE next_attempt_at IS NOT NULL AND target = ?`).pluck(),
      history: db.prepare(`SELECT * FROM attempts WHERE exchange_id = ? ORDER BY attempt`),
      succeededBefore: db.prepare(`SELECT 1 FROM attempts WHERE exchange_id = ? AND ${SUCCEEDED}`).pluck(),
      self: db.prepare(`SELECT target, received_at FROM exchanges WHERE id = ? AND delivery_id IS NOT NULL AND replay_of IS NULL`),
      // Deliveries received after this one (same target) that reached the app before this one's successful attempt
      // started: a queued or retried one by its delivered_at, a live one (no attempts) on arrival. Each walks its
      // partial index from this one's receipt and stops at the first, so a long backlog behind it costs nothing.
      laterDelivered: db.prepare(
        `SELECT id, received_at FROM exchanges
         WHERE target = @target AND delivered_at IS NOT NULL AND received_at >= @receivedAt AND (received_at > @receivedAt OR id > @id)
           AND delivered_at < @startedAt AND delivery_id IS NOT NULL AND replay_of IS NULL
         ORDER BY received_at, id LIMIT 1`,
      ),
      laterLive: db.prepare(
        `SELECT id, received_at FROM exchanges
         WHERE target = @target AND max_attempts IS NULL AND delivery_id IS NOT NULL AND replay_of IS NULL
           AND received_at >= @receivedAt AND (received_at > @receivedAt OR id > @id) AND received_at < @startedAt
           AND attempt_count = 0 AND state = 'complete' AND status < 500
         ORDER BY received_at, id LIMIT 1`,
      ),
      markDelivered: db.prepare(`UPDATE exchanges SET delivered_at = ? WHERE id = ?`),
      markAfter: db.prepare(`UPDATE exchanges SET delivered_after = ? WHERE id = ?`),
      leases: db.prepare(`SELECT id, lease_pid FROM exchanges WHERE lease_pid IS NOT NULL`),
      // A process died mid-attempt: the attempt is run again (at least once), not left interrupted.
      recover: db.prepare(
        `UPDATE exchanges SET lease_until = NULL, lease_pid = NULL,
           next_attempt_at = CASE WHEN max_attempts IS NULL THEN next_attempt_at ELSE coalesce(next_attempt_at, ?) END
         WHERE id = ?`,
      ),
    };
  }

  /**
   * Takes the right to run the next attempt, atomically (one UPDATE): `auto` only when an automatic attempt is due,
   * `manual` (hooktunnel retry) whenever no attempt is running. The lease ends after `leaseMs`, or when its process dies.
   * An `auto` claim (listen's delivery worker, on its event loop) never waits for another process's write lock: it
   * comes back `busy` at once, and the worker tries again later; `manual` waits busy_timeout like any command.
   */
  claim(exchangeId: number, mode: 'auto' | 'manual', leaseMs: number, now = Date.now()): Claim {
    const params = { id: exchangeId, now, until: now + leaseMs, pid: process.pid };
    let changes: number;
    try {
      changes = mode === 'auto' ? withoutWaiting(this.db, this.lockWaitMs, () => this.s.claimDue.run(params).changes) : this.s.claimAny.run(params).changes;
    } catch (error) {
      if (mode === 'auto' && isBusy(error)) return { exchangeId, ok: false, busy: true };
      throw error;
    }
    if (changes === 1) return { exchangeId, ok: true };
    // No row at all is not "someone else holds it": said as such, the user would wait for an attempt that never ends.
    const holder = this.s.holder.get(exchangeId) as number | null | undefined;
    if (holder === undefined) return { exchangeId, ok: false, missing: true };
    return { exchangeId, ok: false, heldBy: holder ?? undefined };
  }

  /**
   * Records a finished attempt and decides the next one; releases the lease. Returns the attempt number, when the next
   * is due, and, for a first success that came after a later delivery's, which one (see deliveredAfter).
   */
  settle(exchangeId: number, outcome: AttemptOutcome, schedule: RetrySchedule, now = Date.now()): Settled {
    return this.db.transaction((): Settled => {
      const row = this.s.row.get(exchangeId) as { attempt_count: number; max_attempts: number | null } | undefined;
      if (!row) return { attempt: 0, nextAttemptAt: null, maxAttempts: null, deliveredAfter: null };
      const attempt = row.attempt_count + 1;
      const firstSuccess = outcome.errorCode === null && outcome.status !== null && outcome.status < 500 && !this.s.succeededBefore.get(exchangeId);
      this.s.insertAttempt.run({ id: exchangeId, attempt, ...outcome, resigned: outcome.resigned ? 1 : 0 });
      const left = row.max_attempts !== null && attempt < row.max_attempts;
      const nextAttemptAt = outcome.retryable && left ? now + schedule(attempt) : null;
      this.s.settle.run(attempt, nextAttemptAt, exchangeId);
      const deliveredAfter = firstSuccess ? this.markDelivered(exchangeId, outcome.startedAt) : null;
      return { attempt, nextAttemptAt, maxAttempts: row.max_attempts, deliveredAfter };
    })();
  }

  /** Records when the app took this delivery and, if a delivery received later got there first, names it. */
  private markDelivered(exchangeId: number, startedAt: number): number | null {
    const self = this.s.self.get(exchangeId) as { target: string; received_at: number } | undefined;
    if (!self) return null;
    this.s.markDelivered.run(startedAt, exchangeId);
    const params = { id: exchangeId, target: self.target, receivedAt: self.received_at, startedAt };
    type Hit = { id: number; received_at: number } | undefined;
    const earliest = [this.s.laterDelivered.get(params) as Hit, this.s.laterLive.get(params) as Hit]
      .filter((hit) => hit !== undefined)
      .sort((x, y) => x.received_at - y.received_at || x.id - y.id)[0];
    if (!earliest) return null;
    this.s.markAfter.run(earliest.id, exchangeId);
    return earliest.id;
  }

  /**
   * An exchange delivered once, live, becomes attempt 1 of its own history before it is retried, so `retry` adds
   * attempt 2 instead of hiding the first answer. No-op when attempts are already counted.
   */
  recordFirst(exchangeId: number, first: Omit<AttemptOutcome, 'retryable'>): void {
    this.db.transaction(() => {
      if (this.s.countFirst.run(exchangeId).changes === 1) this.s.insertAttempt.run({ id: exchangeId, attempt: 1, ...first, resigned: first.resigned ? 1 : 0 });
    })();
  }

  /**
   * A live exchange the relay queued after its tunnel dropped (its sender was told `senderStatus`): from now on it is
   * retried like a queued delivery, its live attempt counted as the first. False when it already has attempts planned.
   */
  adopt(
    exchangeId: number,
    sender: { reason: 'offline' | 'ack'; senderStatus: number; senderBody: Buffer },
    maxAttempts: number,
    now = Date.now(),
  ): boolean {
    return this.s.adopt.run({ id: exchangeId, ...sender, maxAttempts, now }).changes === 1;
  }

  /** Gives a lease back without recording an attempt (the attempt could not start). */
  release(exchangeId: number): void {
    this.s.release.run(exchangeId, process.pid);
  }

  /** Exchanges of this target whose automatic attempt is due and not running, in due order. */
  due(target: string, limit = 100, now = Date.now()): number[] {
    return this.s.due.all({ target, now, limit }) as number[];
  }

  /** When the earliest pending attempt for this target may run (epoch ms), if any. */
  nextDue(target: string): number | undefined {
    return (this.s.nextDue.get(target) as number | null) ?? undefined;
  }

  /** Automatic attempts waiting for this target. */
  pendingCount(target: string): number {
    return this.s.pending.get(target) as number;
  }

  history(exchangeId: number): AttemptRecord[] {
    return (this.s.history.all(exchangeId) as Record<string, unknown>[]).map((row) => ({
      attempt: row.attempt as number,
      startedAt: row.started_at as number,
      trigger: row.trigger as AttemptRecord['trigger'],
      status: (row.status as number | null) ?? null,
      errorCode: (row.error_code as string | null) ?? null,
      errorMessage: (row.error_message as string | null) ?? null,
      durationMs: (row.duration_ms as number | null) ?? null,
      resigned: row.resigned === 1,
    }));
  }

  /** Attempts whose process died are due again now; returns how many. Run before marking pending exchanges interrupted. */
  recoverDeadLeases(now = Date.now()): number {
    let count = 0;
    for (const { id, lease_pid } of this.s.leases.all() as { id: number; lease_pid: number }[]) {
      if (!isAlive(lease_pid)) count += this.s.recover.run(now, id).changes;
    }
    return count;
  }
}
