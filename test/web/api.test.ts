// The inspector's API over plain HTTP: filters, re-signed replay, HAR and curl exports, the diff, and gzip windows.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { parseTarget } from '../../src/forward/target.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { buildTriggerRequest } from '../../src/webhooks/trigger.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, secretCookie } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-api-'));
const secrets = buildSecrets({ flags: ['stripe=whsec_api_test'] });
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let host: string;
let write: Record<string, string>;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  // An old delivery: its signature's timestamp is far outside Stripe's 5-minute window by now.
  const stripe = buildTriggerRequest('stripe', 'payment_intent.succeeded', { secrets, nowMs: Date.now() - 3_600_000, path: '/stripe' });
  await record(store, app.url, { path: '/stripe', headers: stripe.headers, body: stripe.body }, secrets); // #1
  await record(store, app.url, { method: 'PUT', path: '/other', headers: [['Content-Type', 'application/json']], body: '{"a":1,"b":[1,2]}' }); // #2
  await record(store, app.url, { path: '/zipped', headers: [['Content-Encoding', 'gzip']], body: gzipSync('hello gzip') }); // #3
  await record(store, app.url, { path: '/other', headers: [['Content-Type', 'application/json']], body: '{"b":[1,3],"a":1}' }); // #4
  inspector = await Inspector.start({
    store,
    replayTo: parseTarget(app.url),
    timeoutMs: 5_000,
    secrets,
    info: { mode: 'web', publicUrl: null, target: app.url, dbPath: store.path, connection: null },
    port: 0,
    fallback: false,
  });
  host = `127.0.0.1:${inspector.port}`;
  write = { Host: host, Origin: `http://${host}`, Cookie: await secretCookie(inspector), 'Content-Type': 'application/json' };
});

afterAll(async () => {
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const getJson = async (path: string) => JSON.parse((await raw(inspector.port, 'GET', path, { Host: host })).body.toString());

it.each([
  ['', [4, 3, 2, 1]],
  ['method:put', [2]],
  ['path:/other', [4, 2]],
  ['provider:stripe', [1]],
  ['path:/other "b":[1,3]', [4]],
  // A word of a gzip body, which the page shows decoded.
  ['hello', [3]],
  ['nothing-matches-this', []],
])('filters the list with %j', async (q, ids) => {
  const page = await getJson(`/api/exchanges?q=${encodeURIComponent(q)}`);
  expect(page.items.map((e: { id: number }) => e.id)).toEqual(ids);
  expect(page.next).toBeNull();
});

it('pages the list with before and limit', async () => {
  const first = await getJson('/api/exchanges?limit=2');
  expect(first.items.map((e: { id: number }) => e.id)).toEqual([4, 3]);
  const rest = await getJson(`/api/exchanges?limit=2&before=${first.next}`);
  expect(rest.items.map((e: { id: number }) => e.id)).toEqual([2, 1]);
});

it('replays re-signed: the app gets a signature that verifies now, on the same bytes', async () => {
  const original = store.get(1)!;
  expect(verifyWebhook({ headers: original.requestHeaders, body: original.requestBody, url: null }, secrets, Date.now(), { path: '/stripe' }).result).toBe('invalid');
  const reply = await raw(inspector.port, 'POST', '/api/exchanges/1/replay', write, '{"resign":true}');
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body.toString()).resign).toEqual({ resigned: true, hint: null });
  const got = app.received.at(-1)!;
  expect(got.body.equals(original.requestBody)).toBe(true);
  const headers: [string, string][] = [];
  for (let i = 0; i < got.rawHeaders.length; i += 2) headers.push([got.rawHeaders[i], got.rawHeaders[i + 1]]);
  expect(verifyWebhook({ headers, body: got.body, url: null }, secrets, Date.now(), { path: '/stripe' }).result).toBe('valid');
});

it('exports HAR with the exact body and curl aimed at the replay target', async () => {
  const har = await raw(inspector.port, 'GET', '/api/export.har?ids=2,4', { Host: host });
  const log = JSON.parse(har.body.toString()).log;
  expect(log.entries.map((e: { request: { postData: { text: string } } }) => e.request.postData.text)).toEqual(['{"a":1,"b":[1,2]}', '{"b":[1,3],"a":1}']);
  expect(har.headers['content-disposition']).toBe('attachment; filename="hooktunnel-2-exchanges.har"');
  const curl = (await raw(inspector.port, 'GET', '/api/exchanges/2/curl', { Host: host })).body.toString();
  expect(curl).toContain(`curl -X PUT '${app.url}/other'`);
  expect(curl).toContain(`--data-binary '{"a":1,"b":[1,2]}'`);
});

it('diffs two bodies as JSON, key order aside', async () => {
  const diff = await getJson('/api/diff?a=2&b=4');
  expect(diff.body).toEqual({ kind: 'json', changes: [{ path: 'b[1]', change: 'changed', a: 2, b: 3 }], sameBytes: false });
  expect(diff.a.method).toBe('PUT');
  expect(diff.headers).toEqual({ added: [], removed: [], changed: [] });
  const headers = (await getJson('/api/diff?a=2&b=3')).headers;
  expect(headers.removed).toEqual([{ name: 'Content-Type', a: ['application/json'], b: [] }]);
  expect(headers.added).toEqual([{ name: 'Content-Encoding', a: [], b: ['gzip'] }]);
});

it('serves gzip bodies decoded or raw, and says so in the detail', async () => {
  const detail = await getJson('/api/exchanges/3');
  expect(detail.request.body).toMatchObject({ size: gzipSync('hello gzip').length, decodedSize: 10, utf8: false, decodedUtf8: true });
  const decoded = await raw(inspector.port, 'GET', '/api/exchanges/3/body/request?decoded=1', { Host: host });
  expect(decoded.body.toString()).toBe('hello gzip');
  const rawBytes = await raw(inspector.port, 'GET', '/api/exchanges/3/raw/request', { Host: host });
  expect(rawBytes.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
});

it('lists each attempt, and says which went out re-signed (its signature had aged past the window)', async () => {
  const outcome = { trigger: 'auto' as const, status: 200, errorCode: null, errorMessage: null, durationMs: 2, retryable: false };
  store.deliveries.recordFirst(2, { ...outcome, startedAt: Date.now() - 1_000, status: 503 });
  store.deliveries.settle(2, { ...outcome, startedAt: Date.now(), resigned: true }, () => 1_000);
  const detail = await getJson('/api/exchanges/2');
  expect(detail.attempts.map((a: { attempt: number; resigned: boolean }) => [a.attempt, a.resigned])).toEqual([[1, false], [2, true]]);
});

it('copies a large body as curl reading it from `hooktunnel show --raw`, not inlined (as the TUI copies it)', async () => {
  const body = Buffer.alloc(5 * 1024 * 1024, 'x');
  const large = await record(store, app.url, { path: '/large', headers: [['Content-Type', 'text/plain']], body });
  const curl = (await raw(inspector.port, 'GET', `/api/exchanges/${large.id}/curl`, { Host: host })).body.toString();
  expect(curl).toBe(`hooktunnel show ${large.id} --raw --db '${store.path}' | curl -X POST '${app.url}/large' \\\n  -H 'Content-Type: text/plain' \\\n  --data-binary '@-'`);
});
