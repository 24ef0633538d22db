// The inspector over a listen with hooktunnel.yml routes (no single replay target): replay, retry and curl go back
// through each exchange's route; an exchange stored redacted is refused by retry and replay alike.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseRedactRule } from '../../src/redact/redact.js';
import { Store } from '../../src/store/store.js';
import type { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, secretCookie, startInspector } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-routes-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let host: string;
let write: Record<string, string>;

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'), { redact: [parseRedactRule('header:authorization')] });
  app = await startLocalApp();
  await record(store, `${app.url}/base`, { path: '/a/x?y=1', headers: [['Content-Type', 'application/json']], body: '{"n":1}', route: '/a' }); // #1
  await record(store, `${app.url}/base`, { path: '/a/secret', headers: [['Authorization', 'Bearer sk_live_1']], body: '{"n":1}', route: '/a' }); // #2, stored redacted
  inspector = await startInspector(store); // no replay target, as listen starts it with routes
  host = `127.0.0.1:${inspector.port}`;
  write = { Host: host, Origin: `http://${host}`, Cookie: await secretCookie(inspector), 'Content-Type': 'application/json' };
});

afterAll(async () => {
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('replays, retries and exports curl for a routed exchange through its route', async () => {
  expect(app.received.map((r) => r.url)).toEqual(['/base/x?y=1', '/base/secret']);
  const replay = await raw(inspector.port, 'POST', '/api/exchanges/1/replay', write, '{}');
  expect(replay.status).toBe(200);
  expect(JSON.parse(replay.body.toString()).exchange).toMatchObject({ replayOf: 1, path: '/a/x?y=1', route: '/a', target: `${app.url}/base` });
  expect(app.received.at(-1)!.url).toBe('/base/x?y=1');

  const retry = await raw(inspector.port, 'POST', '/api/exchanges/1/retry', write, '{}');
  expect(retry.status).toBe(200);
  expect(JSON.parse(retry.body.toString()).exchange).toMatchObject({ id: 1, route: '/a', attempts: 2 });
  expect(app.received).toHaveLength(4);
  expect(app.received.at(-1)!.url).toBe('/base/x?y=1');

  const curl = (await raw(inspector.port, 'GET', '/api/exchanges/1/curl', { Host: host })).body.toString();
  expect(curl).toContain(`'${app.url}/base/x?y=1'`);
});

it('refuses to retry or replay an exchange stored redacted, sending nothing', async () => {
  expect(store.get(2)!.redacted).toEqual(['header:authorization']);
  const before = app.received.length;
  const retry = await raw(inspector.port, 'POST', '/api/exchanges/2/retry', write, '{}');
  expect(retry.status).toBe(409);
  expect(retry.body.toString()).toContain('exchange #2 was stored redacted (header:authorization)');
  const replay = await raw(inspector.port, 'POST', '/api/exchanges/2/replay', write, '{}');
  expect(replay.status).toBe(409);
  expect(replay.body.toString()).toContain('was stored redacted');
  expect(app.received).toHaveLength(before);
});
