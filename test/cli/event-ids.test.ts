// Commands that take exchange ids take a provider's event id too (`hooktunnel replay evt_1NxAbc`, `hooktunnel show
// <X-GitHub-Delivery GUID>`), looked up among webhooks recorded for real: a Stripe event its sender delivered twice, a
// GitHub delivery, through a real relay and `listen`, then the real CLI. An event recorded several times is the sender's
// first delivery, said on stderr with the others' ids; an unknown one is `not_found` like an unknown number.

import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, loopbackRelay, runCli, startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { send, startLocalApp, type LocalApp } from '../helpers/http.js';

const SECRET = 'whsec_event_ids_test_secret';
const GUID = '9f8e7d60-1c2b-11ef-8a3e-2f4b5c6d7e8f';
/** An event id with a right-to-left override in it, which would turn the rest of a terminal line around. */
const BIDI = 'evt_\u202egnp';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

let app: LocalApp;
let listen: ListenProcess;
let env: Record<string, string>;
let db: string;
/** Exchange ids as listen recorded them. */
const ids = { first: 0, again: 0, once: 0, github: 0, bidi: 0 };
/** The Stripe-Signature of the sender's first delivery of evt_twice. */
let firstSignature = '';

/** A Stripe event signed as Stripe signs it, `secondsAgo` before now (a redelivery is signed afresh). */
async function sendStripe(eventId: string, path: string, secondsAgo = 0): Promise<string> {
  const body = JSON.stringify({ id: eventId, object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1' } } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - secondsAgo });
  await send(`${listen.url}${path}`, { headers: ['Content-Type', 'application/json', 'Stripe-Signature', signature], body });
  return signature;
}

/** The Stripe-Signature the app got with a request. */
const signatureOf = (rawHeaders: string[]) => rawHeaders[rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'stripe-signature') + 1];

const recorded = async (path: string) => (await listen.waitForRequest((e) => e.path === path, `the exchange at ${path}`)).id as number;

beforeAll(async () => {
  const relayUrl = await loopbackRelay(cleanups);
  app = await startLocalApp();
  cleanups.push(() => app.close());
  const home = tempHome();
  cleanups.push(home.cleanup);
  db = home.db;
  env = { ...home.env, HOOKTUNNEL_DB: db, HOOKTUNNEL_SECRET_STRIPE: SECRET };
  listen = await startListen([String(app.port), '--relay', relayUrl], env);
  cleanups.push(() => listen.stop());
  // Stripe retried evt_twice: the same event, delivered twice, the second signed later.
  firstSignature = await sendStripe('evt_twice', '/stripe/first', 60);
  ids.first = await recorded('/stripe/first');
  await sendStripe('evt_twice', '/stripe/again');
  ids.again = await recorded('/stripe/again');
  await sendStripe('evt_once', '/stripe/once');
  ids.once = await recorded('/stripe/once');
  await sendStripe(BIDI, '/stripe/bidi');
  ids.bidi = await recorded('/stripe/bidi');
  await sendStripe(BIDI, '/stripe/bidi-again');
  await recorded('/stripe/bidi-again');
  const push = JSON.stringify({ ref: 'refs/heads/main' });
  await send(`${listen.url}/github`, { headers: ['Content-Type', 'application/json', 'X-GitHub-Event', 'push', 'X-GitHub-Delivery', GUID], body: push });
  ids.github = await recorded('/github');
  app.received.length = 0;
});

describe('an exchange addressed by its provider event id', () => {
  it('show <GitHub delivery GUID>: that delivery, nothing said on stderr when it is the only one', async () => {
    const text = await runCli(['show', GUID], { env });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain(`#${ids.github} `);
    expect(text.stdout).toContain(`github push (${GUID})`);
    const json = await runCli(['show', GUID, '--json'], { env });
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ id: ids.github, webhook: { provider: 'github', eventId: GUID } });
  });

  it('replay evt_… of an event delivered twice: the sender\'s first delivery, and stderr names the other', async () => {
    const exact = await runCli(['replay', 'evt_twice', '--json'], { env });
    expect(exact.code).toBe(0);
    // stdout is the replay, one JSON line and nothing else.
    const [replay] = jsonLines(exact.stdout) as { id: number; replayOf: number }[];
    expect(replay).toMatchObject({ replayOf: ids.first, status: 200 });
    expect(exact.stderr).toBe(`note: event id "evt_twice" was recorded 2 times; using #${ids.first}, the sender's first delivery; the others: #${ids.again} (delivered again)\n`);
    // The first delivery's bytes: its own signature, not the redelivery's.
    expect(app.received).toHaveLength(1);
    expect(signatureOf(app.received[0].rawHeaders)).toBe(firstSignature);

    // Re-signed, and the replay just made is listed as one, never taken for the delivery.
    const resigned = await runCli(['replay', 'evt_twice', '--resign'], { env });
    expect(resigned.code).toBe(0);
    expect(resigned.stderr).toContain(`using #${ids.first}, the sender's first delivery; the others: #${ids.again} (delivered again), #${replay.id} (replay of #${ids.first})\n`);
    expect(resigned.stdout).toMatch(new RegExp(` 200 .* #${replay.id + 1} .*\\(replay of #${ids.first}\\)\n$`));
    expect(app.received).toHaveLength(2);
    expect(signatureOf(app.received[1].rawHeaders)).not.toBe(firstSignature);

    const shown = await runCli(['show', 'evt_twice', '--json'], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: ids.first, replayOf: null });
    expect(shown.stderr).toMatch(/^note: event id "evt_twice" was recorded 4 times; using #\d+, the sender's first delivery;/);
  });

  it('verify, retry and diff take event ids, mixed with numbers', async () => {
    const verified = await runCli(['verify', 'evt_once', String(ids.again), '--json'], { env });
    expect(verified.code).toBe(0);
    expect(jsonLines(verified.stdout)).toMatchObject([{ id: ids.once, verification: 'valid' }, { id: ids.again, verification: 'valid' }]);
    const retried = await runCli(['retry', 'evt_once', '--force', '--json'], { env });
    expect(retried.code).toBe(0);
    expect(jsonLines(retried.stdout)).toMatchObject([{ id: ids.once, status: 200 }]);
    const diff = await runCli(['diff', 'evt_twice', 'evt_once', '--json'], { env });
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({ a: ids.first, b: ids.once });
  });
});

describe('an event id from the network, printed', () => {
  it('is escaped in the note on stderr, and in JSON on stdout', async () => {
    const result = await runCli(['show', BIDI, '--json'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: event id "evt_\\u\{202e\}gnp" was recorded 2 times; using #\d+/);
    expect(result.stderr + result.stdout).not.toContain('\u202e');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: ids.bidi, webhook: { eventId: BIDI } });
  });

  it('is escaped in the not_found error', async () => {
    const result = await runCli(['replay', `${BIDI}x`], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: no exchange with event id "evt_\\u{202e}gnpx" in ');
    expect(result.stderr).not.toContain('\u202e');
  });
});

describe('an event id with no exchange', () => {
  const hint = (provider: string) =>
    `an event id is known only for a webhook whose provider hooktunnel recognised and that carried one (\`hooktunnel show <id>\` prints it); \`hooktunnel ls --provider ${provider}\` lists that provider's webhooks`;

  it.each([
    ['show', 'evt_nope', 'stripe'],
    ['replay', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', 'standard'],
    ['retry', 'abc', '<provider>'],
    ['verify', '0x1', '<provider>'],
  ])('%s %s: not_found, exit 1, a hint naming the provider to list, nothing done', async (command, eventId, provider) => {
    const result = await runCli([command, eventId], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: no exchange with event id "${eventId}" in ${db}\nhint: ${hint(provider)}\n`);
  });

  it('replay with --json: one not_found error per unknown id on stderr, the event id given beside replayOf and id, nothing sent', async () => {
    const sentBefore = app.received.length;
    const result = await runCli(['replay', String(ids.once), 'evt_nope', '99999', '--json'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(jsonLines(result.stderr)).toEqual([
      { error: { code: 'not_found', message: `no exchange with event id "evt_nope" in ${db}; nothing replayed`, hint: hint('stripe'), replayOf: null, id: null, eventId: 'evt_nope' } },
      { error: { code: 'not_found', message: `no exchange #99999 in ${db}; nothing replayed`, hint: 'run `hooktunnel ls` to see the recorded ids', replayOf: 99999, id: null } },
    ]);
    expect(app.received).toHaveLength(sentBefore);
  });

  it('several unknown in words: all named in one error, nothing verified', async () => {
    const result = await runCli(['verify', 'evt_once', 'evt_nope', '99999'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: no exchanges for event id "evt_nope", #99999 in ${db}; nothing verified\nhint: run \`hooktunnel ls\` to see the recorded ids, or leave event id "evt_nope", #99999 out; ${hint('stripe')}\n`,
    );
  });

  it('diff: exit 2, as for any diff error', async () => {
    const result = await runCli(['diff', 'evt_once', 'evt_nope', '--json'], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(jsonLines(result.stderr)).toEqual([{ error: { code: 'not_found', message: `no exchange with event id "evt_nope" in ${db}; nothing compared`, hint: `run \`hooktunnel ls\` to see the recorded ids, or leave event id "evt_nope" out; ${hint('stripe')}` } }]);
  });
});
