// What `listen` does beside forwarding: keeps the resume token for the next run, and prunes to --keep.

import type { Session } from '../../session.js';
import type { Store } from '../../store/store.js';
import { isBusy } from '../../store/without-waiting.js';
import { saveResumeToken } from '../../tunnel/resume-file.js';

/** Saves each resume token the relay hands out, so a killed and restarted listen gets the same URL. */
export function keepResumeToken(session: Session, path: string, key: string): void {
  session.on('ready', (welcome) => {
    try {
      saveResumeToken(path, key, welcome.resumeToken);
    } catch (error) {
      session.emit('storeError', new Error(`could not save the resume token to ${path}: ${(error as Error).message}`));
    }
  });
}

/** Prune this often (finished exchanges), not after each one: a prune is a query over the whole table. */
const PRUNE_EVERY = 100;

/** --keep N: prunes to N exchanges now and after every PRUNE_EVERY finished exchanges. */
export function keepRecent(session: Session, store: Store, keep: number): void {
  // A prune runs over many turns (webhooks are forwarded between its batches): one at a time.
  let running = false;
  const prune = async () => {
    if (running) return;
    running = true;
    try {
      await store.prune({ keep });
    } catch (error) {
      // Another process holds the write lock (listen waits for it only briefly): the next trigger prunes instead.
      if (isBusy(error)) return;
      session.emit('storeError', error as Error);
    } finally {
      running = false;
    }
  };
  void prune();
  let finished = 0;
  session.on('exchange', (exchange) => {
    if (exchange.state !== 'pending' && ++finished % PRUNE_EVERY === 0) void prune();
  });
}
