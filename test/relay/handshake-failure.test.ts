// A relay whose own state fails during a handshake (relay.db on a full disk, or locked) keeps running: the client is
// told, not dropped without a word, and the operator sees why in the log.

import { describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/protocol.js';
import { memoryResumeStore, type ResumeStore } from '../../relay-server/resume-store.js';
import { send } from '../helpers/http.js';
import { rawClient, startRelay } from './helpers.js';

/** An in-memory resume store whose writes fail like SQLite on a full disk while `failing` is set. */
function flakyResumeStore(): { store: ResumeStore; failing: { now: boolean } } {
  const failing = { now: false };
  const inner = memoryResumeStore();
  const full = () => {
    if (failing.now) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  };
  const store: ResumeStore = {
    ...inner,
    save: (...args) => (full(), inner.save(...args)),
    release: (...args) => (full(), inner.release(...args)),
    extend: (...args) => (full(), inner.extend(...args)),
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
    expect(refused.meta).toEqual({ code: 'relay_error', message: 'the relay could not open the tunnel (database or disk is full); retrying', fatal: false });
    expect((await client.closed).code).toBe(4000);
    expect(log.some((line) => /^handshake from \S+ failed: database or disk is full$/.test(line))).toBe(true);
    // Nothing half attached: the name is free.
    expect((await send(`${url}/t/locked/x`, { body: 'x' })).status).toBe(404);

    failing.now = false;
    const retried = await rawClient(url, { hello: { name: 'locked' } });
    const welcome = (await retried.next(MessageType.Welcome)) as Extract<Message, { type: MessageType.Welcome }>;
    expect(welcome.meta.tunnelId).toBe('locked');
    // A client that leaves while the disk is full again: the relay goes on (its id is kept in memory).
    failing.now = true;
    retried.ws.close();
    await retried.closed;
    expect((await send(`${url}/`, {})).status).toBe(200);
  });
});
