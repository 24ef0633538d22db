// Webhook awareness end to end: signatures checked on the way through, re-signing and edited replay, duplicates,
// trigger, verify and exports, with the real relay, the real CLI and a local app that verifies like a real one.

import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../relay-server/relay.js';
import { runCli, startListen, tempHome, type ListenProcess } from './helpers/cli.js';
import { send, startLocalApp, type LocalApp } from './helpers/http.js';

const SECRET = 'whsec_toolkit_test_secret';
const home = tempHome();
const env = { ...home.env, HOOKTUNNEL_SECRET_STRIPE: SECRET, HOOKTUNNEL_DB: home.db };
let relay: Relay;
let app: LocalApp;
let listen: ListenProcess;

/** A local app that verifies Stripe signatures with Stripe's own SDK and the usual 300 s tolerance. */
beforeAll(async () => {
  relay = createRelay({ port: 0, host: '127.0.0.1' });
  const relayUrl = await relay.start();
  app = await startLocalApp((req, res, body) => {
    try {
      const event = Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), SECRET, 300);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ received: event.id }));
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`signature rejected: ${(error as Error).message}`);
    }
  });
  listen = await startListen([String(app.port), '--relay', relayUrl], env);
});

afterAll(async () => {
  await listen?.stop();
  await app?.close();
  await relay?.close();
  home.cleanup();
});

function stripeEvent(id: string, created: number, amount = 1000): Buffer {
  return Buffer.from(
    JSON.stringify({ id, object: 'event', type: 'payment_intent.succeeded', created, data: { object: { id: 'pi_1', amount } } }),
  );
}

async function sendStripe(path: string, body: Buffer, signedAtSec: number) {
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret: SECRET, timestamp: signedAtSec });
  const reply = await send(`${listen.url}${path}`, { headers: ['Content-Type', 'application/json', 'Content-Length', String(body.length), 'Stripe-Signature', header], body });
  const event = await listen.waitForRequest((e) => e.path === path, `the exchange for ${path}`);
  return { reply, event };
}

const now = () => Math.floor(Date.now() / 1000);

describe('signatures on the way through', () => {
  it('shows a Stripe-signed webhook as valid, with provider and event', async () => {
    const { reply, event } = await sendStripe('/stripe/valid', stripeEvent('evt_valid', now()), now());
    expect(reply.status).toBe(200);
    expect(event.webhook).toMatchObject({ provider: 'stripe', eventType: 'payment_intent.succeeded', eventId: 'evt_valid', verification: 'valid' });
    const ls = await runCli(['ls', '--provider', 'stripe', '--event', 'payment_intent.succeeded'], { env });
    expect(ls.stdout).toContain('/stripe/valid');
    expect(ls.stdout).toContain('stripe payment_intent.succeeded');
  });

  it('rejects a delivery signed 400 s ago, and accepts it replayed with --resign', async () => {
    const { reply, event } = await sendStripe('/stripe/stale', stripeEvent('evt_stale', now() - 400), now() - 400);
    expect(reply.status).toBe(400);
    // The code a program acts on, recorded with the verdict: listen's event, `verify --json` and a replay's verdict.
    expect(event.webhook).toMatchObject({ verification: 'invalid', problem: 'too_old' });
    expect(String((event.webhook as { reason: string }).reason)).toMatch(/outside the 300 s tolerance/);
    const verified = await runCli(['verify', String(event.id), '--json'], { env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ id: event.id, verification: 'invalid', problem: 'too_old' });

    const failed = await runCli(['ls', '--failed', '--json'], { env });
    expect(JSON.parse(failed.stdout).map((e: { id: number }) => e.id)).toContain(event.id);

    const plain = await runCli(['replay', String(event.id), '--json'], { env });
    expect(JSON.parse(plain.stdout)).toMatchObject({ status: 400, webhook: { verification: 'invalid', problem: 'too_old' } });
    const resigned = await runCli(['replay', String(event.id), '--resign', '--json'], { env });
    expect(resigned.code).toBe(0);
    expect(JSON.parse(resigned.stdout)).toMatchObject({ status: 200, replayOf: event.id, webhook: { verification: 'valid' } });
    expect(app.received.at(-1)!.body.equals(app.received.find((r) => r.url === '/stripe/stale')!.body)).toBe(true);
  });

  it('replays an edited body from a scripted $EDITOR, re-signed so the app accepts it', async () => {
    const { event } = await sendStripe('/stripe/edit', stripeEvent('evt_edit', now(), 1000), now());
    const editor = join(home.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/1000/2500/" "$1"\n');
    chmodSync(editor, 0o755);
    const edited = await runCli(['replay', String(event.id), '--edit', '--json'], { env: { ...env, EDITOR: editor } });
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout).status).toBe(200);
    const received = JSON.parse(app.received.at(-1)!.body.toString());
    expect(received.data.object.amount).toBe(2500);
    const lengthHeader = app.received.at(-1)!.rawHeaders.findIndex((h) => h.toLowerCase() === 'content-length');
    expect(Number(app.received.at(-1)!.rawHeaders[lengthHeader + 1])).toBe(app.received.at(-1)!.body.length);
  });

  it('marks duplicate deliveries and out-of-order arrivals', async () => {
    const first = await sendStripe('/stripe/dup-1', stripeEvent('evt_dup', now()), now());
    const second = await sendStripe('/stripe/dup-2', stripeEvent('evt_dup', now()), now());
    expect(second.event.webhook).toMatchObject({ duplicateOf: first.event.id });
    const older = await sendStripe('/stripe/older', stripeEvent('evt_older', now() - 3600), now());
    expect(older.event.webhook).toMatchObject({ outOfOrder: true, duplicateOf: null });
    const show = await runCli(['show', String(second.event.id)], { env });
    expect(show.stdout).toContain(`duplicate of #${first.event.id}`);
  });

  it('calls a Stripe-Signature sent twice invalid and says so, live, in `verify` and in --json', async () => {
    const body = stripeEvent('evt_twice', now());
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret: SECRET, timestamp: now() });
    const headers = ['Content-Type', 'application/json', 'Stripe-Signature', header, 'Stripe-Signature', `t=${now()},v1=${'0'.repeat(64)}`];
    await send(`${listen.url}/stripe/twice`, { headers, body });
    const event = await listen.waitForRequest((e) => e.path === '/stripe/twice', 'the exchange for /stripe/twice');
    const reason = 'Stripe-Signature sent twice: a sender sends one, so a copy was added on the way (a proxy?) or the request is forged';
    expect(event.webhook).toMatchObject({ provider: 'stripe', verification: 'invalid', reason, problem: 'repeated_header' });
    const text = await runCli(['verify', String(event.id)], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(`#${event.id} stripe payment_intent.succeeded: invalid (${reason})\n`);
    const json = await runCli(['verify', String(event.id), '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ id: event.id, verification: 'invalid', reason, problem: 'repeated_header' });
  });

  it('re-checks a recording with `verify`, as of when it arrived', async () => {
    const { event } = await sendStripe('/stripe/verify', stripeEvent('evt_verify', now()), now());
    const good = await runCli(['verify', String(event.id)], { env });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`#${event.id} stripe payment_intent.succeeded: valid`);
    const wrong = await runCli(['verify', String(event.id), '--secret', 'stripe=whsec_wrong'], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('invalid');
    const right = await runCli(['verify', String(event.id), '--json'], { env });
    expect(JSON.parse(right.stdout)).toMatchObject({ id: event.id, verification: 'valid' });

    // No secret known now: nothing is checked, and the verdict recorded before is not erased.
    const { HOOKTUNNEL_SECRET_STRIPE: _secret, ...noSecret } = env;
    const unchecked = await runCli(['verify', String(event.id), '--json'], { env: noSecret });
    expect(unchecked.code).toBe(1);
    expect(JSON.parse(unchecked.stdout)).toMatchObject({ id: event.id, verification: 'valid', checkedNow: false, reasonNow: 'no secret configured for stripe' });
    const text = await runCli(['verify', String(event.id)], { env: noSecret });
    expect(text.stdout).toContain('not checked now (no secret configured for stripe); the recorded verdict stays: valid');
    // And says how to give one.
    expect(text.stderr).toBe('hint: set --secret stripe=… or HOOKTUNNEL_SECRET_STRIPE\n');
    expect(unchecked.stderr).toBe('hint: set --secret stripe=… or HOOKTUNNEL_SECRET_STRIPE\n');
    const shown = JSON.parse((await runCli(['show', String(event.id), '--json'], { env })).stdout);
    expect(shown.webhook.verification).toBe('valid');
  });

  it('re-checks as of arrival: a later event or a replay of it does not make an earlier delivery out of order or a duplicate', async () => {
    // Events created after every one the tests above sent (the event's own time; the signature's is now).
    const early = await sendStripe('/stripe/early', stripeEvent('evt_early', now() + 600), now());
    await sendStripe('/stripe/later', stripeEvent('evt_later', now() + 1200), now());
    const replay = await runCli(['replay', String(early.event.id), '--json'], { env });
    expect(replay.code).toBe(0);
    const replayId = (JSON.parse(replay.stdout) as { id: number }).id;

    for (const id of [early.event.id as number, replayId]) {
      const verified = await runCli(['verify', String(id), '--json'], { env });
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ id, verification: 'valid', duplicateOf: null, outOfOrder: false });
      const shown = await runCli(['show', String(id)], { env });
      expect(shown.stdout).not.toMatch(/out of order|duplicate of/);
    }
  });

  it('picks a per-path secret by the path the sender used, not the relay URL\'s /t/<id>/… path', async () => {
    const scoped = 'whsec_scoped_to_a_path';
    const own = tempHome();
    const ownEnv = { ...own.env, HOOKTUNNEL_DB: own.db };
    const secret = `stripe:/scoped/*=${scoped}`;
    const other = await startListen([String(app.port), '--relay', `http://127.0.0.1:${relay.port}`, '--secret', secret], ownEnv);
    try {
      expect(new URL(other.url).pathname).toMatch(/^\/t\//);
      const body = stripeEvent('evt_scoped', now());
      const header = Stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret: scoped });
      await send(`${other.url}/scoped/hook`, { headers: ['Content-Type', 'application/json', 'Stripe-Signature', header], body });
      const event = await other.waitForRequest((e) => e.path === '/scoped/hook', 'the scoped exchange');
      expect(event.webhook).toMatchObject({ provider: 'stripe', verification: 'valid' });
      const verified = await runCli(['verify', String(event.id), '--secret', secret], { env: ownEnv });
      expect(verified.stdout).toBe(`#${event.id} stripe payment_intent.succeeded: valid\n`);
      expect(verified.code).toBe(0);
    } finally {
      await other.stop();
      own.cleanup();
    }
  });
});

describe('trigger and exports', () => {
  it('triggers a signed sample event that the app accepts, and records it', async () => {
    const result = await runCli(['trigger', 'stripe', 'payment_intent.succeeded', '--to', String(app.port), '--path', '/trigger', '--json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 200, path: '/trigger', webhook: { provider: 'stripe', verification: 'valid' } });
    const unsigned = await runCli(['trigger', 'github', 'push', '--to', String(app.port)], { env });
    expect(unsigned.stderr).toContain('no secret configured for github; sending unsigned');
    // Unsigned, a Stripe event is still Stripe's (by its User-Agent): filters and `wait --match provider=stripe` see it.
    const { HOOKTUNNEL_SECRET_STRIPE: _secret, ...noSecret } = env;
    const unsignedStripe = await runCli(['trigger', 'stripe', 'invoice.paid', '--to', String(app.port), '--json'], { env: noSecret });
    expect(JSON.parse(unsignedStripe.stdout)).toMatchObject({ webhook: { provider: 'stripe', eventType: 'invoice.paid', verification: 'unchecked' } });
    const unknown = await runCli(['trigger', 'stripe', 'nope.event', '--to', String(app.port)], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('payment_intent.succeeded');
  });

  it('exports HAR 1.2 and JSON, and prints curl commands', async () => {
    const file = join(home.dir, 'out.har');
    // An earlier export left world-readable: overwritten, it becomes private too.
    writeFileSync(file, 'old', { mode: 0o644 });
    const har = await runCli(['export', '--har', file, '--provider', 'stripe'], { env });
    expect(har.code).toBe(0);
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    // As private as the database: it holds every header and body.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parsed.log.version).toBe('1.2');
    expect(parsed.log.entries.length).toBeGreaterThan(3);
    for (const entry of parsed.log.entries) {
      expect(entry).toHaveProperty('startedDateTime');
      expect(entry.request).toHaveProperty('method');
      expect(entry.response).toHaveProperty('status');
    }
    const unwritable = await runCli(['export', '--har', home.dir], { env });
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain(`could not write ${home.dir}`);
    // No Twilio webhook was recorded here.
    const none = await runCli(['export', '--json', '-', '--provider', 'twilio'], { env });
    expect(none).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
    const limited = await runCli(['export', '--json', '-', '--limit', '2'], { env });
    const json = JSON.parse(limited.stdout);
    expect(json).toHaveLength(2);
    // Cut by --limit: said on stderr, so the JSON on stdout stays whole.
    expect(limited.stderr).toBe('only the newest 2 of the matching exchanges were exported; pass -n with a larger number, or narrow it with --since\n');
    const all = await runCli(['export', '--json', '-', '--limit', String(parsed.log.entries.length + 100)], { env });
    expect(all.stderr).toBe('');
    expect(json[0].request.body).toHaveProperty('encoding');

    const id = parsed.log.entries.length;
    const curl = await runCli(['show', String(id), '--curl'], { env });
    expect(curl.stdout).toMatch(/^curl -X POST '/);
    expect(curl.stdout).toContain('--data-binary');
  });
});
