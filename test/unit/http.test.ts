import { describe, expect, it } from 'vitest';
import { headerValueText, setHeader, stripHopByHop } from '../../src/http-headers.js';
import { sanitize } from '../../src/sanitize.js';
import { parseTarget, upstreamPath } from '../../src/forward/target.js';
import { nextDelay } from '../../src/tunnel/backoff.js';
import { connectUrl } from '../../src/tunnel/tunnel-client.js';
import { randomTunnelId } from '../../relay-server/tunnel-registry.js';
import type { HeaderPairs } from '../../src/protocol.js';

describe('hop-by-hop headers', () => {
  it('drops hop-by-hop headers, those named in Connection, and X-Hooktunnel-Error; keeps order and duplicates', () => {
    const headers: HeaderPairs = [
      ['Host', 'x'],
      ['Connection', 'keep-alive, X-Private'],
      ['X-Private', 'secret'],
      ['Transfer-Encoding', 'chunked'],
      ['X-A', '1'],
      ['TE', 'trailers'],
      ['x-a', '2'],
      ['X-Hooktunnel-Error', 'fake'],
      ['Proxy-Authorization', 'Basic x'],
      ['Upgrade', 'h2c'],
      ['Keep-Alive', 'timeout=5'],
    ];
    expect(stripHopByHop(headers)).toEqual([
      ['Host', 'x'],
      ['X-A', '1'],
      ['x-a', '2'],
    ]);
  });

  it('keeps X-Hooktunnel-Error, in place, on an answer from another relay node', () => {
    const headers: HeaderPairs = [['Connection', 'keep-alive'], ['X-Hooktunnel-Error', 'body_too_large'], ['Content-Type', 'text/plain']];
    expect(stripHopByHop(headers, { keepErrorHeader: true })).toEqual([['X-Hooktunnel-Error', 'body_too_large'], ['Content-Type', 'text/plain']]);
    expect(stripHopByHop(headers)).toEqual([['Content-Type', 'text/plain']]);
  });

  it('replaces a header in place', () => {
    expect(setHeader([['a', '1'], ['HOST', 'x'], ['host', 'y'], ['b', '2']], 'Host', 'z')).toEqual([
      ['a', '1'],
      ['HOST', 'z'],
      ['b', '2'],
    ]);
  });
});

describe('headerValueText', () => {
  it('shows UTF-8 header bytes (which Node hands over as latin1) decoded, and anything else as it is', () => {
    const utf8 = Buffer.from('café ✓', 'utf8').toString('latin1');
    expect(utf8).not.toBe('café ✓');
    expect(headerValueText(utf8)).toBe('café ✓');
    expect(headerValueText('caf\xe9')).toBe('caf\xe9'); // latin1 é alone is not UTF-8: kept
    expect(headerValueText('plain ascii')).toBe('plain ascii');
    // Decoded first, escaped after: a bidi override sent as UTF-8 bytes is still made visible on the terminal.
    expect(sanitize(headerValueText(Buffer.from('a\u202eb', 'utf8').toString('latin1')))).toBe('a\\u{202e}b');
  });
});

describe('targets', () => {
  it.each([
    ['3000', 'http://localhost:3000', ''],
    ['localhost:8080', 'http://localhost:8080', ''],
    ['http://127.0.0.1:8000/base/', 'http://127.0.0.1:8000/base', '/base'],
    ['https://[::1]:9443/api', 'https://[::1]:9443/api', '/api'],
    ['[::1]:3000/in', 'http://[::1]:3000/in', '/in'],
    ['localhost:80', 'http://localhost:80', ''],
    ['http://app', 'http://app:80', ''],
  ])('parses %s', (value, url, basePath) => {
    const target = parseTarget(value);
    expect(target.url).toBe(url);
    expect(target.basePath).toBe(basePath);
  });

  it.each(['300o', 'app', 'localhost', 'app:', 'localhost/base'])('refuses %s: without a scheme a target names its port', (value) => {
    expect(() => parseTarget(value, '--to')).toThrow(`--to "${value}" has no port`);
  });

  it('refuses what is not http(s) or has no valid port', () => {
    expect(() => parseTarget('ftp://x:21')).toThrow('must be an http:// or https:// URL');
    expect(() => parseTarget('70000')).toThrow();
  });

  it('keeps hostile paths as paths on the target', () => {
    const target = parseTarget('http://127.0.0.1:8000/base');
    expect(upstreamPath(target, '//169.254.169.254/latest')).toBe('/base//169.254.169.254/latest');
    expect(upstreamPath(target, '/..%2f..%2f')).toBe('/base/..%2f..%2f');
    expect(upstreamPath(target, 'http://evil/')).toBe('/base/http://evil/');
  });
});

describe('tunnel basics', () => {
  it('turns relay addresses into the WebSocket endpoint', () => {
    expect(connectUrl('https://hooks.example.com')).toBe('wss://hooks.example.com/_hooktunnel/connect');
    expect(connectUrl('http://127.0.0.1:4747/')).toBe('ws://127.0.0.1:4747/_hooktunnel/connect');
    expect(connectUrl('wss://r.example.com/prefix')).toBe('wss://r.example.com/prefix/_hooktunnel/connect');
  });

  it('backs off with full jitter, capped at 30 s', () => {
    expect(nextDelay(0, () => 0.999)).toBeLessThan(1000);
    expect(nextDelay(3, () => 0.5)).toBe(4000);
    expect(nextDelay(50, () => 0.999)).toBeLessThan(30_000);
    expect(nextDelay(5, () => 0)).toBe(0);
  });

  it('makes random ids of 13 base32 characters (65 bits)', () => {
    const ids = new Set(Array.from({ length: 1000 }, randomTunnelId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[a-z2-7]{13}$/);
  });
});
