// The inspector's security rules over plain HTTP: Host (DNS rebinding), Origin plus secret for writes, the cookie's
// attributes, the headers on every answer, and raw bodies only ever as downloads.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { Store } from '../../src/store/store.js';
import { Inspector } from '../../src/web/server.js';
import { startLocalApp, type LocalApp } from '../helpers/http.js';
import { raw, record, secretCookie, startInspector } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-web-'));
let store: Store;
let app: LocalApp;
let inspector: Inspector;
let host: string;
let origin: string;
let cookie: string;
const BODY = '{"hello":"<img src=x onerror=alert(1)>"}';

beforeAll(async () => {
  store = Store.open(join(dir, 'capture.db'));
  app = await startLocalApp();
  await record(store, app.url, { path: '/hook', headers: [['Content-Type', 'application/json']], body: BODY });
  inspector = await startInspector(store, app.url);
  host = `127.0.0.1:${inspector.port}`;
  origin = `http://${host}`;
  cookie = await secretCookie(inspector);
});

afterAll(async () => {
  await inspector?.close();
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Host', () => {
  it.each([
    ['127.0.0.1', 200],
    ['localhost', 200],
  ])('serves the page to Host %s:<port>', async (name, status) => {
    expect((await raw(inspector.port, 'GET', '/', { Host: `${name}:${inspector.port}` })).status).toBe(status);
  });

  it.each(['evil.example', `evil.example:${4040}`, '127.0.0.1', '127.0.0.1:1', '[::1]:1', 'localhost.evil.example'])('refuses Host %j with 421 (DNS rebinding)', async (value) => {
    for (const path of ['/', '/api/exchanges', '/api/exchanges/1/raw/request', '/api/events']) {
      const reply = await raw(inspector.port, 'GET', path, value ? { Host: value } : {});
      expect(reply.status, path).toBe(421);
      expect(reply.body.toString()).not.toContain('hello');
    }
  });

  it('refuses a request without Host', async () => {
    const reply = await raw(inspector.port, 'GET', '/api/exchanges', {});
    expect([400, 421]).toContain(reply.status);
    expect(reply.body.toString()).not.toContain('hello');
  });
});

describe('other sites (Fetch Metadata)', () => {
  const get = (path: string, site?: string) => raw(inspector.port, 'GET', path, { Host: host, ...(site ? { 'Sec-Fetch-Site': site } : {}) });

  it('refuses every API read another site makes a browser send, before doing any of the work', async () => {
    // One <img src> on any page would otherwise make listen read and encode the same 25 MiB body 200 times.
    const har = `/api/export.har?ids=${Array(200).fill(1).join(',')}`;
    for (const path of [har, '/api/exchanges?q=word', '/api/exchanges/1', '/api/exchanges/1/raw/request', '/api/diff?a=1&b=1', '/api/events']) {
      for (const site of ['cross-site', 'same-site']) {
        const reply = await get(path, site);
        expect(reply.status, `${path} ${site}`).toBe(403);
        expect(reply.body.toString()).toContain('another site');
      }
    }
  });

  it('still serves the page opened from a link elsewhere, the page\'s own requests, and clients that send no Fetch Metadata', async () => {
    expect((await get('/', 'cross-site')).status).toBe(200);
    expect((await get('/api/exchanges/1', 'same-origin')).status).toBe(200);
    expect((await get('/api/exchanges/1', 'none')).status).toBe(200);
    expect((await get('/api/exchanges/1')).status).toBe(200);
  });
});

describe('writes', () => {
  const replay = (headers: Record<string, string>) => raw(inspector.port, 'POST', '/api/exchanges/1/replay', { Host: host, 'Content-Type': 'application/json', ...headers }, '{}');

  it('refuses a replay without Origin, with a foreign Origin, or without the secret', async () => {
    const before = app.received.length;
    expect((await replay({ Cookie: cookie })).status).toBe(403);
    expect((await replay({ Cookie: cookie, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await replay({ Cookie: cookie, Origin: `http://127.0.0.1:${inspector.port + 1}` })).status).toBe(403);
    expect((await replay({ Cookie: cookie, Origin: 'null' })).status).toBe(403);
    expect((await replay({ Origin: origin })).status).toBe(403);
    const name = cookie.split('=')[0];
    expect((await replay({ Origin: origin, Cookie: `${name}=wrong` })).status).toBe(403);
    expect(app.received.length).toBe(before);
  });

  it('replays with a same-origin Origin and the secret cookie', async () => {
    const before = app.received.length;
    const reply = await replay({ Origin: origin, Cookie: cookie });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.toString()).exchange.replayOf).toBe(1);
    expect(app.received.length).toBe(before + 1);
    expect(app.received.at(-1)!.body.toString()).toBe(BODY);
  });

  it('guards every non-GET method, not only POST', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      expect((await raw(inspector.port, method, '/api/exchanges/1/replay', { Host: host })).status).toBe(403);
    }
  });
});

describe('the secret', () => {
  it('moves from the printed URL into an HttpOnly, SameSite=Strict cookie and out of the address bar', async () => {
    const url = new URL(inspector.url);
    expect(url.searchParams.get('k')).toMatch(/^[\w-]{22}$/);
    const reply = await raw(inspector.port, 'GET', `/?k=${url.searchParams.get('k')}`, { Host: host });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    const setCookie = reply.headers['set-cookie']![0];
    expect(setCookie).toMatch(new RegExp(`^hooktunnel_${inspector.port}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('sets no cookie for a wrong secret', async () => {
    const reply = await raw(inspector.port, 'GET', '/?k=guess', { Host: host });
    expect(reply.status).toBe(303);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('tells the page whether it may write', async () => {
    expect(JSON.parse((await raw(inspector.port, 'GET', '/api/session', { Host: host })).body.toString())).toEqual({ canWrite: false });
    expect(JSON.parse((await raw(inspector.port, 'GET', '/api/session', { Host: host, Cookie: cookie })).body.toString())).toEqual({ canWrite: true });
  });
});

describe('headers', () => {
  it('sends a strict CSP and nosniff on every answer, errors included', async () => {
    for (const path of ['/', '/style.css', '/app/main.js', '/api/exchanges', '/api/exchanges/999', '/nope']) {
      const reply = await raw(inspector.port, 'GET', path, { Host: host });
      expect(reply.headers['content-security-policy'], path).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(reply.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });

  it('serves raw bodies as application/octet-stream attachments with the exact bytes', async () => {
    for (const path of ['/api/exchanges/1/raw/request', '/api/exchanges/1/body/request', '/api/export.har?ids=1']) {
      const reply = await raw(inspector.port, 'GET', path, { Host: host });
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-type'], path).toBe('application/octet-stream');
      expect(reply.headers['content-disposition'], path).toMatch(/^attachment; filename="[\w.-]+"$/);
    }
    expect((await raw(inspector.port, 'GET', '/api/exchanges/1/raw/request', { Host: host })).body.toString()).toBe(BODY);
  });

  it('pages a body window by offset and length', async () => {
    const reply = await raw(inspector.port, 'GET', '/api/exchanges/1/body/request?offset=2&length=5', { Host: host });
    expect(reply.body.toString()).toBe(BODY.slice(2, 7));
    expect(reply.headers['x-body-size']).toBe(String(BODY.length));
  });

  it('answers bad input with one plain line and the right status', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/exchanges/999', 404, /^no exchange #999\n$/],
      ['/api/exchanges/abc', 404, /^no exchange #"abc"; ids are whole numbers\n$/],
      // Number() takes these, and the text used to end up in a download's file name (a header): a 500.
      ['/api/exchanges/%0A1/body/request', 404, /ids are whole numbers/],
      ['/api/exchanges/0x1/raw/request', 404, /ids are whole numbers/],
      ['/api/exchanges/%E0', 400, /not valid percent-encoding/],
      ['/api/exchanges/1/raw/other', 404, /request or response/],
      ['/api/exchanges?before=x', 400, /not a whole number/],
      ['/api/exchanges/1/body/request?decoded=1', 409, /not gzip/],
      ['/app/../../package.json', 404, /no such page/],
    ];
    for (const [path, status, message] of cases) {
      const reply = await raw(inspector.port, 'GET', path, { Host: host });
      expect(reply.status, path).toBe(status);
      expect(reply.body.toString(), path).toMatch(message);
    }
    const bad = await raw(inspector.port, 'POST', '/api/exchanges/1/replay-edited', { Host: host, Origin: origin, Cookie: cookie }, '{"path":"x/y"}');
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toMatch(/path must start with \//);
    const notPath = await raw(inspector.port, 'POST', '/api/exchanges/1/replay-edited', { Host: host, Origin: origin, Cookie: cookie }, '{"path":"http://evil/x"}');
    expect(notPath.status).toBe(400);
    // A header value the forwarder could not send is refused here, not recorded as a failure blamed on the app.
    for (const [value, message] of [
      ['a\u001b[31m', /header X-Debug contains a control character/],
      ['a\r\nX-Injected: 1', /header X-Debug contains a control character/],
      ['5€', /header X-Debug contains "€", which a header value cannot carry/],
    ] as const) {
      const edit = JSON.stringify({ headers: [['X-Debug', value]] });
      const refused = await raw(inspector.port, 'POST', '/api/exchanges/1/replay-edited', { Host: host, Origin: origin, Cookie: cookie }, edit);
      expect(refused.status, value).toBe(400);
      expect(refused.body.toString(), value).toMatch(message);
    }
    // A recorded UTF-8 value (its bytes one per character, some in U+0080-U+009F) goes back unedited.
    const recorded = Buffer.from('it’s — 5€', 'utf8').toString('latin1');
    const utf8 = await raw(inspector.port, 'POST', '/api/exchanges/1/replay-edited', { Host: host, Origin: origin, Cookie: cookie }, JSON.stringify({ headers: [['X-Note', recorded]] }));
    expect(utf8.status, utf8.body.toString()).toBe(200);
  });
});

describe('binding', () => {
  it('listens on loopback only', async () => {
    const address = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: inspector.port }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    expect(address).toBe(true);
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?k=/);
  });

  it('takes the next free port when the default one is taken, and refuses a taken port that was asked for', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    const info = { mode: 'web' as const, publicUrl: null, target: 'x', dbPath: store.path, connection: null };
    try {
      const next = await Inspector.start({ store, timeoutMs: 1000, info, port: taken, fallback: true });
      expect(next.port).not.toBe(taken);
      await next.close();
      await expect(Inspector.start({ store, timeoutMs: 1000, info, port: taken, fallback: false })).rejects.toThrow(UserError);
    } finally {
      squatter.close();
    }
  });
});
