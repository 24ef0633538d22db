// Reading HAR archives from other tools: what becomes of each field, and the errors for files that are not HAR.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { toHar } from '../../src/export/har.js';
import { readHar } from '../../src/import/har-read.js';
import { importExchanges } from '../../src/import/import-exchanges.js';
import { Store } from '../../src/store/store.js';
import { NO_SECRETS } from '../../src/webhooks/secrets.js';

const har = (entries: unknown[]) => JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries } });

// Shaped like Chrome's devtools export of an HTTP/2 request.
const chromeEntry = {
  startedDateTime: '2026-01-02T03:04:05.678Z',
  time: 12.5,
  request: {
    method: 'POST',
    url: 'https://api.example.com/hooks/in?x=1&y=2',
    httpVersion: 'http/2.0',
    headers: [
      { name: ':authority', value: 'api.example.com' },
      { name: ':method', value: 'POST' },
      { name: 'content-type', value: 'application/octet-stream' },
      { name: 'x-dup', value: 'a' },
      { name: 'X-Dup', value: 'b' },
    ],
    queryString: [],
    cookies: [],
    postData: { mimeType: 'application/octet-stream', text: Buffer.from([0, 1, 254, 255]).toString('base64'), encoding: 'base64' },
    headersSize: -1,
    bodySize: 4,
  },
  response: {
    status: 201,
    statusText: 'Created',
    headers: [{ name: 'content-type', value: 'text/plain' }],
    content: { size: 2, mimeType: 'text/plain', text: 'ok' },
  },
};

describe('readHar', () => {
  it('keeps method, URL split into target and path, headers in order without pseudo-headers, exact body bytes and the answer', () => {
    const { exchanges, bodiesMissing } = readHar(har([chromeEntry]), 'x.har');
    expect(bodiesMissing).toEqual([]);
    expect(exchanges).toEqual([
      {
        method: 'POST', target: 'https://api.example.com', path: '/hooks/in?x=1&y=2', url: null, route: null,
        receivedAt: Date.parse('2026-01-02T03:04:05.678Z'),
        headers: [['content-type', 'application/octet-stream'], ['x-dup', 'a'], ['X-Dup', 'b']],
        body: Buffer.from([0, 1, 254, 255]),
        response: { status: 201, headers: [['content-type', 'text/plain']], body: Buffer.from('ok') },
        durationMs: 12.5,
      },
    ]);
  });

  it('takes target, path and public URL from hooktunnel\'s own field, so a base path survives', () => {
    const entry = { ...chromeEntry, request: { ...chromeEntry.request, url: 'http://127.0.0.1:8000/api/hook?a=1' }, _hooktunnel: { target: 'http://127.0.0.1:8000/api', path: '/hook?a=1', publicUrl: 'https://r.example/t/x/hook?a=1' } };
    expect(readHar(har([entry]), 'x.har').exchanges[0]).toMatchObject({ target: 'http://127.0.0.1:8000/api', path: '/hook?a=1', url: 'https://r.example/t/x/hook?a=1' });
  });

  it('restores the route of a routed exchange, whose request.url lacks the route prefix', () => {
    const entry = { ...chromeEntry, request: { ...chromeEntry.request, url: 'http://127.0.0.1:3000/api/hook' }, _hooktunnel: { target: 'http://127.0.0.1:3000/api', path: '/stripe/hook', route: '/stripe' } };
    expect(readHar(har([entry]), 'x.har').exchanges[0]).toMatchObject({ target: 'http://127.0.0.1:3000/api', path: '/stripe/hook', route: '/stripe' });
    const edited = { ...entry, request: { ...entry.request, url: 'http://other:1/x' } };
    expect(readHar(har([edited]), 'x.har').exchanges[0]).toMatchObject({ target: 'http://other:1', path: '/x', route: null });
  });

  it('rebuilds a url-encoded form from params, notes a body the archive did not keep, and reads status 0 as no answer', () => {
    const form = { ...chromeEntry, request: { ...chromeEntry.request, postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'a b', value: '1&2' }] } } };
    const lost = { ...chromeEntry, request: { ...chromeEntry.request, postData: undefined, bodySize: 10 }, response: { status: 0, headers: [], content: {} } };
    const { exchanges, bodiesMissing } = readHar(har([form, lost]), 'x.har');
    expect(exchanges[0].body.toString()).toBe('a+b=1%262');
    expect(exchanges[1].body.length).toBe(0);
    expect(exchanges[1].response).toBeNull();
    expect(bodiesMissing).toEqual([1]);
  });

  it.each([
    ['not json', 'x.har is not JSON'],
    ['{"log":{}}', 'x.har is not a HAR archive: it has no log.entries array'],
    [har([{}]), 'x.har: entry 0: has no request'],
    [har([{ request: { method: 'GET', url: '/relative' } }]), 'entry 0: request.url "/relative" is not an absolute URL'],
    [har([{ request: { method: 'GET', url: 'ftp://x/y' } }]), 'is not http(s)'],
    [har([{ request: { method: 'G T', url: 'http://x/' } }]), 'request.method is missing or not a method'],
    [har([{ request: { method: 'GET', url: 'http://x/', headers: {} } }]), 'request.headers is not an array'],
    [har([{ request: { method: 'GET', url: 'http://x/', headers: [{ name: 'a' }] } }]), 'holds an item that is not { name, value }'],
    [har([{ request: { method: 'POST', url: 'http://x/', postData: { text: 'a', encoding: 'gzip' } } }]), 'encoding "gzip" is not supported'],
    [har([{ request: { method: 'POST', url: 'http://x/', postData: { text: '!!', encoding: 'base64' } } }]), 'is not valid base64'],
    [har([chromeEntry, { request: { method: 'GET', url: 'http://x/' }, response: { status: 42 } }]), 'entry 1: response.status 42 is not an HTTP status'],
  ])('refuses %s', (text, message) => {
    expect(() => readHar(text, 'x.har')).toThrow(UserError);
    expect(() => readHar(text, 'x.har')).toThrow(message);
  });

  it('says an `export --json` file is not one to import, and which export is', () => {
    const error = (() => {
      try {
        readHar('[{"id":1}]', 'x.json');
      } catch (caught) {
        return caught as UserError;
      }
    })();
    expect(error?.message).toBe('x.json is not a HAR archive: it has no log.entries array');
    expect(error?.hint).toContain('`hooktunnel export --har`');
  });
});

describe('export --har, then import', () => {
  it('keeps the redaction marks, so replay and retry still refuse to send [REDACTED] as the real value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-har-'));
    try {
      const from = Store.open(join(dir, 'from.db'));
      const to = Store.open(join(dir, 'to.db'));
      try {
        const headers: [string, string][] = [['Authorization', '[REDACTED]']];
        const recording = from.begin({ deliveryId: null, replayOf: null, url: null, target: 'http://127.0.0.1:3000', receivedAt: Date.now(), method: 'POST', path: '/hook', headers, body: Buffer.from('{}'), redacted: ['header:authorization'] });
        recording.respond(200, []);
        recording.complete(1);
        const text = JSON.stringify(toHar([from.get(recording.id)!]));
        const [id] = importExchanges(to, readHar(text, 'x.har').exchanges, NO_SECRETS);
        expect(to.get(id)).toMatchObject({ redacted: ['header:authorization'], requestHeaders: headers });
      } finally {
        from.close();
        to.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
