// GitHub hangs up at 10 s. The app's answer that comes after is the one a developer debugging a slow handler needs:
// listen keeps the forward going (bounded by --timeout), records that answer with its exact bytes, and the exchange
// still says the sender hung up (error sender_gone), in --json, `show` and the store.

import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { expect, it } from 'vitest';
import { loopbackRelay, runCli, startListen, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp, waitFor } from '../helpers/http.js';
import { Store } from '../../src/store/store.js';

// Not UTF-8: the bytes must come back as they were, not as text.
const LATE_ANSWER = Buffer.from([0x7b, 0xff, 0x00, 0xfe, 0x7d]);

/** Sends a whole request and hangs up once the app has it, as GitHub does at its deadline. */
function sendThenHangUp(url: string, path: string, hangUp: Promise<unknown>): void {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname, () => {
    socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"slow":1}\n`);
  });
  socket.on('error', () => {});
  void hangUp.then(() => socket.destroy());
}

/** The row as a reader of the store sees it now. */
function row(db: string) {
  const store = Store.open(db);
  try {
    return store.list({ limit: 1 })[0];
  } finally {
    store.close();
  }
}

/**
 * listen with a local app whose `respond` runs once listen has heard the sender hang up (the hang-up recorded in the
 * store) or the exchange is over; a sender that hangs up once the app has the request. Resolves with the exchange's
 * last --json event and the store's path.
 */
async function appAfterHangUp(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ event: Record<string, unknown>; db: string; env: Record<string, string> }> {
  const home = tempHome();
  onCleanup(home.cleanup);
  const cleanups: (() => unknown)[] = [];
  onCleanup(() => Promise.all(cleanups.map((close) => close())));
  const relayUrl = await loopbackRelay(cleanups);
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  let arrived!: () => void;
  const atApp = new Promise<void>((resolve) => (arrived = resolve));
  const app = await startLocalApp((req, res) => {
    arrived();
    void answered.then(() => respond(req, res));
  });
  cleanups.push(() => app.close());
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--no-web'], home.env);
  onCleanup(() => listen.stop());

  sendThenHangUp(listen.url, `${new URL(listen.url).pathname.replace(/\/$/, '')}/hooks/github`, atApp);
  await atApp;
  await waitFor(() => {
    const e = row(home.db);
    return e && (e.senderGoneAfterMs !== undefined || e.state !== 'pending');
  }, 'listen to hear the sender hang up');
  answer();
  const event = await listen.waitForRequest((e) => e.state !== 'pending', 'the exchange to end');
  return { event, db: home.db, env: home.env };
}

it("records the app's answer that came after the sender hung up, and says the sender had hung up", async () => {
  const { event, db, env } = await appAfterHangUp((_req, res) => {
    res.writeHead(202, { 'X-Late': 'yes' });
    res.end(LATE_ANSWER);
  });
  expect(event).toMatchObject({
    status: 202,
    state: 'failed',
    error: { code: 'sender_gone', message: expect.stringMatching(/^the sender closed the connection at [\d.]+m?s; the app answered 202 at [\d.]+m?s, recorded here but never sent$/) },
    response: { size: LATE_ANSWER.length },
    senderGoneAfterMs: expect.any(Number),
  });
  const id = event.id as number;

  const store = Store.open(db);
  try {
    const recorded = store.get(id)!;
    expect(recorded.responseBody).toEqual(LATE_ANSWER);
    expect(recorded.responseHeaders).toContainEqual(['X-Late', 'yes']);
    expect(recorded.senderGoneAfterMs).toBeLessThanOrEqual(recorded.durationMs!);
  } finally {
    store.close();
  }
  const shown = await runCli(['show', String(id), '--db', db], { env: { ...env, NO_COLOR: '1' } });
  expect(shown.stdout).toMatch(/202 +[\d.]+m?s +sender_gone: the sender closed the connection at /);
  expect(shown.stdout).toContain('X-Late: yes');
  const listed = await runCli(['ls', '--db', db], { env: { ...env, NO_COLOR: '1' } });
  expect(listed.stdout).toMatch(/ 202 .*\/hooks\/github {2}sender gone [\d.]+m?s$/m);
});

it('says what the app did when it failed after the sender hung up, still as sender_gone', async () => {
  const { event } = await appAfterHangUp((req) => req.socket.destroy());
  expect(event).toMatchObject({
    // 499 as for any sender_gone, with no answer from the app to record.
    status: 499,
    state: 'failed',
    response: { size: null },
    error: { code: 'sender_gone', message: expect.stringMatching(/^the sender closed the connection at [\d.]+m?s; then the app: .+ \(local_error\)$/) },
    senderGoneAfterMs: expect.any(Number),
  });
});
