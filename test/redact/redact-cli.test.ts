// Redaction end to end: listen --redact stores the exchange redacted while the app gets the real bytes; no secret
// reaches the database files; replay needs --allow-redacted; export --redact redacts what was stored whole.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createRelay } from '../../relay-server/relay.js';
import { runCli, startListen, tempHome } from '../helpers/cli.js';
import { send, startLocalApp } from '../helpers/http.js';
import { onCleanup } from '../nothing-lost/helpers.js';

const CARD = '4242424242424242';
const TOKEN = 'Bearer sk_live_secret';

/** A body from the `--json` shape of show and export (utf8 or base64) as its bytes. */
const jsonBytes = (body: { encoding: string; data: string }) => Buffer.from(body.data, body.encoding as BufferEncoding);

/** A temp home, a relay, the local app and `listen` with these extra flags, all stopped after the test. */
async function listenWith(flags: string[]) {
  const home = tempHome();
  onCleanup(home.cleanup);
  const relay = createRelay({ port: 0, host: '127.0.0.1' });
  const relayUrl = await relay.start();
  onCleanup(() => relay.close());
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, ...flags], home.env);
  onCleanup(() => listen.stop());
  return { home, app, listen };
}

describe('redaction', () => {
  it('records redacted at record time, sends the real bytes, and refuses a plain replay', async () => {
    const { home, app, listen } = await listenWith(['--redact', 'header:authorization', '--redact', 'body:$.card.number']);

    const body = `{"card": {"number": "${CARD}", "exp": "12/30"}, "amount": 2000}`;
    await send(`${listen.url}/pay`, { headers: ['Content-Type', 'application/json', 'Authorization', TOKEN, 'Content-Length', String(body.length)], body });
    const event = await listen.waitForRequest(() => true, 'the payment');
    expect(app.received[0].body.toString()).toBe(body);
    expect(app.received[0].rawHeaders).toContain(TOKEN);
    expect(event.redacted).toEqual(expect.arrayContaining(['header:authorization', 'body:$.card.number']));

    const raw = await runCli(['show', String(event.id), '--raw', '--db', home.db], { env: home.env });
    expect(raw.stdout).toBe('{"card": {"number": "[REDACTED]", "exp": "12/30"}, "amount": 2000}');
    const show = await runCli(['show', String(event.id), '--db', home.db], { env: home.env });
    expect(show.stdout).toContain('stored redacted: ');
    expect(show.stdout).toContain('Authorization: [REDACTED]');
    await listen.stop();
    // Not in the database, its WAL or anything else beside it.
    const dir = dirname(home.db);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('capture.db'))) {
      const bytes = readFileSync(join(dir, file));
      expect(bytes.includes(CARD), file).toBe(false);
      expect(bytes.includes('sk_live_secret'), file).toBe(false);
    }

    const refused = await runCli(['replay', String(event.id), '--db', home.db], { env: home.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('was stored redacted');
    expect(refused.stderr).toContain('--allow-redacted');
    const retry = await runCli(['retry', String(event.id), '--db', home.db], { env: home.env });
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain('was stored redacted');
    // --force sends a succeeded exchange again, never a redacted one: nothing reaches the app.
    const forced = await runCli(['retry', String(event.id), '--force', '--db', home.db], { env: home.env });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('was stored redacted');
    expect(forced.stderr).toContain('nothing sent');
    expect(app.received).toHaveLength(1);
    const allowed = await runCli(['replay', String(event.id), '--allow-redacted', '--json', '--db', home.db], { env: home.env });
    expect(allowed.code).toBe(0);
    expect(app.received[1].body.toString()).toContain('"number": "[REDACTED]"');
    expect(JSON.parse(allowed.stdout).redacted).toEqual(event.redacted);
  });

  it('redacts a value that comes after a deeply nested sibling (valid JSON), instead of storing it whole', async () => {
    const { home, app, listen } = await listenWith(['--redact', 'body:$.card.number']);
    const depth = 20_000;
    const body = `{"pad": ${'['.repeat(depth)}${']'.repeat(depth)}, "card": {"number": "${CARD}"}}`;
    await send(`${listen.url}/pay`, { headers: ['Content-Type', 'application/json'], body });
    const event = await listen.waitForRequest(() => true, 'the payment');
    expect(app.received[0].body.toString()).toBe(body);
    expect(event.redacted).toEqual(['body:$.card.number']);
    const raw = await runCli(['show', String(event.id), '--raw', '--db', home.db], { env: home.env });
    expect(raw.stdout.endsWith('"card": {"number": "[REDACTED]"}}')).toBe(true);
    await listen.stop();
    const dir = dirname(home.db);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('capture.db'))) expect(readFileSync(join(dir, file)).includes(CARD), file).toBe(false);
  });

  it('does not let `verify` turn the verdict given at arrival into "body modified" over the redacted copy', async () => {
    const secret = 'whsec_redacted_verify';
    const { home, listen } = await listenWith(['--redact', 'body:$.card.number', '--secret', `stripe=${secret}`]);
    const body = `{"id": "evt_redacted", "type": "payment_intent.succeeded", "card": {"number": "${CARD}"}}`;
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    await send(`${listen.url}/stripe`, { headers: ['Content-Type', 'application/json', 'Stripe-Signature', header], body });
    const event = await listen.waitForRequest(() => true, 'the Stripe delivery');
    expect(event.webhook).toMatchObject({ provider: 'stripe', eventType: 'payment_intent.succeeded', verification: 'valid' });

    const args = ['verify', String(event.id), '--db', home.db, '--secret', `stripe=${secret}`];
    const text = await runCli(args, { env: home.env });
    expect(text.stdout).toBe(`#${event.id} stripe payment_intent.succeeded: not checked now (stored redacted (body:$.card.number): the signed bytes are not all kept); the recorded verdict stays: valid\n`);
    expect(text.code).toBe(1);
    const json = await runCli([...args, '--json'], { env: home.env });
    expect(JSON.parse(json.stdout)).toMatchObject({ verification: 'valid', checkedNow: false, reasonNow: expect.stringContaining('stored redacted') });
    const shown = JSON.parse((await runCli(['show', String(event.id), '--json', '--db', home.db], { env: home.env })).stdout);
    expect(shown.webhook).toMatchObject({ eventType: 'payment_intent.succeeded', verification: 'valid', reason: null });
  });

  it('records a gzip body gzipped and redacted, sends the real bytes, and marks one labelled gzip that is not', async () => {
    const { home, app, listen } = await listenWith(['--redact', 'body:$.card.number']);

    const json = `{"card":{"number":"${CARD}"},"amount":2000}`;
    const gz = gzipSync(json);
    await send(`${listen.url}/gz`, { headers: ['Content-Type', 'application/json', 'Content-Encoding', 'gzip', 'Content-Length', String(gz.length)], body: gz });
    const event = await listen.waitForRequest((e) => e.path === '/gz', 'the gzip payment');
    // The app gets the bytes the sender sent, gzip framing and secret alike.
    expect(app.received[0].body).toEqual(gz);
    expect(event.redacted).toEqual(['body:$.card.number']);

    const shown = await runCli(['show', String(event.id), '--json', '--db', home.db], { env: home.env });
    const stored = JSON.parse(shown.stdout);
    const body = jsonBytes(stored.request.body);
    expect(gunzipSync(body).toString()).toBe('{"card":{"number":"[REDACTED]"},"amount":2000}');
    expect(stored.redacted).toEqual(['body:$.card.number']);
    expect(stored.request.headers).toEqual(expect.arrayContaining([['Content-Encoding', 'gzip'], ['Content-Length', String(body.length)]]));
    const show = await runCli(['show', String(event.id), '--db', home.db], { env: home.env });
    expect(show.stdout).toContain('"number": "[REDACTED]"');
    expect(show.stdout).not.toContain(CARD);
    expect(show.stdout).toContain('stored redacted: body:$.card.number');

    // Labelled gzip but plain JSON: stored as it came, as a body the rule cannot read is, and marked so.
    await send(`${listen.url}/not-gz`, { headers: ['Content-Type', 'application/json', 'Content-Encoding', 'gzip'], body: json });
    const notGzip = await listen.waitForRequest((e) => e.path === '/not-gz', 'the mislabelled payment');
    expect(app.received[1].body.toString()).toBe(json);
    expect(notGzip.redacted).toEqual([expect.stringMatching(/^body:\$\.card\.number \(not applied: gzip body that does not inflate/)]);
    const marked = await runCli(['show', String(notGzip.id), '--db', home.db], { env: home.env });
    expect(marked.stdout).toContain('stored redacted: body:$.card.number (not applied: gzip body that does not inflate');
    // Its bytes are the ones sent, so a replay needs no --allow-redacted; the redacted one still does.
    const replayed = await runCli(['replay', String(notGzip.id), '--db', home.db], { env: home.env });
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(app.received[2].body.toString()).toBe(json);
    const refused = await runCli(['replay', String(event.id), '--db', home.db], { env: home.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('was stored redacted (body:$.card.number)');
  });

  it('redacts a gzip body at export time, HAR and JSON', async () => {
    const { home, listen } = await listenWith([]);
    const gz = gzipSync(`{"card":{"number":"${CARD}"}}`);
    await send(`${listen.url}/gz`, { headers: ['Content-Type', 'application/json', 'Content-Encoding', 'gzip', 'Content-Length', String(gz.length)], body: gz });
    await listen.waitForRequest(() => true, 'the gzip payment');

    const har = await runCli(['export', '--har', '-', '--redact', 'body:$.card.number', '--db', home.db], { env: home.env });
    expect(har.code).toBe(0);
    const entry = JSON.parse(har.stdout).log.entries[0];
    const harBody = Buffer.from(entry.request.postData.text, entry.request.postData.encoding === 'base64' ? 'base64' : 'utf8');
    expect(gunzipSync(harBody).toString()).toBe('{"card":{"number":"[REDACTED]"}}');
    expect(entry.request.headers).toContainEqual({ name: 'Content-Length', value: String(harBody.length) });
    expect(entry._hooktunnel.redacted).toEqual(['body:$.card.number']);

    const exported = await runCli(['export', '--json', '-', '--redact', 'body:$.card.number', '--db', home.db], { env: home.env });
    expect(exported.code).toBe(0);
    const [item] = JSON.parse(exported.stdout);
    expect(gunzipSync(jsonBytes(item.request.body)).toString()).toBe('{"card":{"number":"[REDACTED]"}}');
    expect(item.redacted).toEqual(['body:$.card.number']);
    // What is stored stays whole.
    const whole = await runCli(['show', '1', '--json', '--db', home.db], { env: home.env });
    expect(jsonBytes(JSON.parse(whole.stdout).request.body)).toEqual(gz);
  });

  it('redacts at export time what was stored whole, and refuses --redact with acknowledge mode', async () => {
    const { home, listen } = await listenWith([]);
    await send(`${listen.url}/pay`, { headers: ['Authorization', TOKEN], body: `{"card":{"number":"${CARD}"}}` });
    await listen.waitForRequest(() => true, 'the payment');

    const har = await runCli(['export', '--har', '-', '--redact', 'header:authorization', '--redact', 'body:card.number', '--db', home.db], { env: home.env });
    expect(har.code).toBe(0);
    expect(har.stdout).not.toContain(CARD);
    expect(har.stdout).not.toContain('sk_live_secret');
    const entry = JSON.parse(har.stdout).log.entries[0];
    expect(entry.request.postData.text).toBe('{"card":{"number":"[REDACTED]"}}');
    const whole = await runCli(['show', '1', '--raw', '--db', home.db], { env: home.env });
    expect(whole.stdout).toContain(CARD);

    const ack = await runCli(['listen', '3000', '--ack', '--redact', 'header:authorization', '--db', home.db], { env: home.env });
    expect(ack.code).toBe(2);
    expect(ack.stderr).toContain('--redact cannot be used with acknowledge mode');
    const bad = await runCli(['export', '--har', '-', '--redact', 'password', '--db', home.db], { env: home.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not header:<name> or body:<json path>');
  });
});
