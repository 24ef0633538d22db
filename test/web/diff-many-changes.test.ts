// The inspector's diff lists a page of JSON changes, not every one: two arrays of numbers a sender posts can differ
// in a million places, each a table row in the page and listen's own time to find and send.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { MAX_JSON_CHANGES } from '../../src/web/json-diff.js';
import type { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, startInspector } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-diff-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;

const numbers = (offset: number) => JSON.stringify(Array.from({ length: 200_000 }, (_, i) => (i + offset) % 10));

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  const json: [string, string][] = [['Content-Type', 'application/json']];
  await record(store, app.url, { path: '/a', headers: json, body: numbers(0) }); // #1
  await record(store, app.url, { path: '/b', headers: json, body: numbers(1) }); // #2
  inspector = await startInspector(store);
});

afterAll(async () => {
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers the first changes of two bodies differing in 200,000 places, marked as truncated', async () => {
  const reply = await raw(inspector.port, 'GET', '/api/diff?a=1&b=2', { Host: `127.0.0.1:${inspector.port}` });
  expect(reply.status).toBe(200);
  const body = JSON.parse(reply.body.toString()).body;
  expect(body.kind).toBe('json');
  expect(body.truncated).toBe(true);
  expect(body.changes).toHaveLength(MAX_JSON_CHANGES);
  expect(body.changes[0]).toEqual({ path: '[0]', change: 'changed', a: 0, b: 1 });
});
