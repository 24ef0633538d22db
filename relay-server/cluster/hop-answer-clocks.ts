// When a holder that took a hop owes its answer. A single relay gives a tunnel's client its `listen --timeout` plus
// RELAY_TIMEOUT_GRACE_MS, then answers the sender 504 local_timeout itself; the node passing a request on waits that
// long plus a margin, so that a live holder's own 504 (or its client's) reaches the sender first and unchanged, and
// only a holder that stopped responding is timed out here.
//
// As on a single relay, no timer per request: one DeadlineList per duration. Hops to tunnels whose clients share a
// timeout all wait the same time, so their arrival order is their deadline order.

import { RELAY_TIMEOUT_GRACE_MS } from '../../src/protocol.js';
import { DeadlineList } from '../deadline-list.js';

export class HopAnswerClocks {
  private readonly lists = new Map<number, DeadlineList>();

  /** `marginMs`: how late a live holder's own timeout answer may be (the node's --hop-timeout). */
  constructor(private readonly marginMs: number) {}

  /**
   * The list for hops to a tunnel whose client waits `clientTimeoutMs` for its app. Undefined when it waits forever
   * (0), as a single relay does then, or when the holder did not say (a node older than the client-timeout key).
   */
  for(clientTimeoutMs: number | undefined): DeadlineList | undefined {
    if (!clientTimeoutMs) return undefined;
    const durationMs = clientTimeoutMs + RELAY_TIMEOUT_GRACE_MS + this.marginMs;
    let list = this.lists.get(durationMs);
    if (!list) this.lists.set(durationMs, (list = new DeadlineList(durationMs)));
    return list;
  }

  /** Forgets the lists no hop waits on: clients come and go with timeouts of their own choosing. */
  prune(): void {
    for (const [durationMs, list] of this.lists) {
      if (!list.isEmpty) continue;
      list.clear();
      this.lists.delete(durationMs);
    }
  }

  /** Stops every timer (the node is closing; its hops end with their connections). */
  clear(): void {
    for (const list of this.lists.values()) list.clear();
    this.lists.clear();
  }
}
