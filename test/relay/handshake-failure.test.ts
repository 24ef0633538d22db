// A relay whose own state fails during a handshake (relay.db locked or broken) keeps running: the client is told,
// not dropped without a word, and the operator sees why in the log.

import { describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/protocol.js';
import { memoryResumeStore, type ResumeStore } from '../../relay-server/resume-store.js';
import { send } from '../helpers/http.js';
import { rawClient, startRelay } from './helpers.js';

/** An in-memory resume store that fails like a locked SQLite file while `failing` is set. */
function flakyResumeStore(): { store: ResumeStore; failing: { now: boolean } } {
  const failing = { now: false };
  const inner = memoryResumeStore();
  const locked = () => {
    if (failing.now) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  };
  const store: ResumeStore = {
    ...inner,
    find: (hash) => (locked(), inner.find(hash)),
    save: (...args) => (locked(), inner.save(...args)),
  };
  return { store, failing };
}

describe('a handshake the relay cannot complete', () => {
  it('refuses the client (not fatal: it retries), logs why, and the relay goes on serving', async () => {
    const { store, failing } = flakyResumeStore();
    const log: string[] = [];
    const { url } = await startRelay({ resume: store, log: (line) => log.push(line) });
    failing.now = true;
    const client = await rawClient(url, { hello: { name: 'locked' } });
    const refused = (await client.next(MessageType.Refused)) as Extract<Message, { type: MessageType.Refused }>;
    expect(refused.meta).toEqual({ code: 'relay_error', message: 'the relay could not open the tunnel (database is locked); retrying', fatal: false });
    expect((await client.closed).code).toBe(4000);
    expect(log.some((line) => /^handshake from \S+ failed: database is locked$/.test(line))).toBe(true);

    failing.now = false;
    const retried = await rawClient(url, { hello: { name: 'locked' } });
    const welcome = (await retried.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    expect(welcome.meta.tunnelId).toBe('locked');
    expect((await send(`${url}/`, {})).status).toBe(200);
  });
});
