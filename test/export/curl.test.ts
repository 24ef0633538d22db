// curl export: the command text, and real curl runs that must deliver the recorded bytes to a local server.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCurl } from '../../src/export/curl.js';
import { toPairs } from '../../src/http-headers.js';
import { ALL_BYTES, exchange } from './support.js';

const run = promisify(execFile);

describe('toCurl command text', () => {
  it('writes method, URL, headers worth sending and the body with --data-binary', () => {
    expect(toCurl(exchange(), 'http://localhost:3000')).toBe(
      [
        "curl -X POST 'http://localhost:3000/webhooks/stripe'",
        "-H 'Content-Type: application/json; charset=utf-8'",
        "-H 'Stripe-Signature: t=1722860000,v1=abc'",
        `--data-binary '{"id":"evt_1","n":1}'`,
      ].join(' \\\n  '),
    );
  });

  it('joins a base URL with a base path and keeps the query', () => {
    const command = toCurl(exchange({ path: '/hooks?attempt=2' }), 'http://127.0.0.1:8080/api/');
    expect(command).toContain("'http://127.0.0.1:8080/api/hooks?attempt=2'");
  });

  it('keeps duplicate headers in order and drops what curl sets itself', () => {
    const command = toCurl(
      exchange({
        requestHeaders: [
          ['Host', 'x'],
          ['Connection', 'keep-alive, X-Hop'],
          ['X-Hop', '1'],
          ['Transfer-Encoding', 'chunked'],
          ['Content-Length', '3'],
          ['X-Dup', 'one'],
          ['Content-Type', 'text/plain'],
          ['X-Dup', 'two'],
        ],
      }),
      'http://localhost:3000',
    );
    expect(command.match(/-H '[^']*'/g)).toEqual([
      "-H 'X-Dup: one'",
      "-H 'Content-Type: text/plain'",
      "-H 'X-Dup: two'",
    ]);
  });

  it("escapes single quotes POSIX-style and never uses -d", () => {
    const command = toCurl(exchange({ requestBody: Buffer.from(`{"name":"O'Brien"}`) }), 'http://h');
    expect(command).toContain(`--data-binary '{"name":"O'\\''Brien"}'`);
    expect(command).not.toMatch(/ -d /);
  });

  it("uses $'\\xHH' quoting for a body that is not printable UTF-8", () => {
    const command = toCurl(exchange({ requestBody: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) }), 'http://h');
    expect(command).toContain("--data-binary $'\\x89PNG\\x0d\\n'");
  });

  it('pipes a body with NUL bytes from printf, since no shell argument can hold NUL', () => {
    const command = toCurl(exchange({ requestBody: Buffer.from([0x61, 0x00, 0x62]) }), 'http://h');
    expect(command).toMatch(/^printf 'a\\000b' \| curl /);
    expect(command).toContain('--data-binary @-');
  });

  it('reads the body from a file when asked', () => {
    expect(toCurl(exchange(), 'http://h', { bodyFile: "/tmp/it's here.bin" })).toContain(
      `--data-binary '@/tmp/it'\\''s here.bin'`,
    );
  });

  it('writes an empty header as Name; and stops curl inventing a Content-Type', () => {
    const command = toCurl(exchange({ requestHeaders: [['X-Empty', '']] }), 'http://h');
    expect(command).toContain("-H 'X-Empty;'");
    expect(command).toContain("-H 'Content-Type:'");
  });

  it('sends GET without -X or a body, HEAD with --head, and an empty POST with an empty body', () => {
    const get = toCurl(exchange({ method: 'GET', requestBody: Buffer.alloc(0), requestHeaders: [] }), 'http://h');
    expect(get).toBe("curl 'http://h/webhooks/stripe'");
    const head = toCurl(exchange({ method: 'HEAD', requestBody: Buffer.alloc(0), requestHeaders: [] }), 'http://h');
    expect(head).toBe("curl --head 'http://h/webhooks/stripe'");
    const post = toCurl(exchange({ requestBody: Buffer.alloc(0), requestHeaders: [] }), 'http://h');
    expect(post).toContain("--data-binary ''");
  });

  it('prints no raw control characters from hostile header values', () => {
    const command = toCurl(exchange({ requestHeaders: [['X-Evil', 'a\x1b]52;c;aGk=\x07b']] }), 'http://h');
    expect(command).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(command).toContain("-H $'X-Evil: a\\x1b]52;c;aGk=\\x07b'");
  });
});

interface Received {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
}

describe('toCurl run by a real curl', () => {
  let server: ReturnType<typeof createServer>;
  let baseUrl: string;
  let dir: string;
  const received: Received[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hooktunnel-curl-'));
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push({ method: req.method!, url: req.url!, headers: toPairs(req.rawHeaders), body });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function deliver(command: string): Promise<Received> {
    received.length = 0;
    await run('bash', ['-c', `${command} --silent --show-error --output /dev/null`]);
    return received[0];
  }

  it.each([
    ['JSON with quotes and unicode', Buffer.from(`{"name":"O'Brien","city":"Montréal","emoji":"🚀"}\n`)],
    ['every byte value', ALL_BYTES],
    ['CRLF form data', Buffer.from('a=1&b=%20x\r\nc=$HOME`id`')],
  ])('delivers %s byte for byte, with duplicate headers', async (_, body) => {
    const recorded = exchange({
      method: 'PUT',
      path: '/in?x=1&y=%2F',
      requestHeaders: [
        ['Content-Type', 'application/octet-stream'],
        ['X-Dup', 'one'],
        ['X-Dup', 'two'],
        ['X-Quote', `it's "quoted" $HOME`],
      ],
      requestBody: body,
    });
    const got = await deliver(toCurl(recorded, baseUrl));
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/in?x=1&y=%2F');
    expect(got.body).toEqual(body);
    expect(got.headers.filter(([n]) => n.startsWith('X-'))).toEqual([
      ['X-Dup', 'one'],
      ['X-Dup', 'two'],
      ['X-Quote', `it's "quoted" $HOME`],
    ]);
  });

  it('delivers the body from a file', async () => {
    const file = join(dir, "body it's.bin");
    await writeFile(file, ALL_BYTES);
    const got = await deliver(toCurl(exchange({ requestBody: ALL_BYTES }), baseUrl, { bodyFile: file }));
    expect(got.body).toEqual(ALL_BYTES);
  });

  it('sends no Content-Type when none was recorded, and an empty header as empty', async () => {
    const got = await deliver(toCurl(exchange({ requestHeaders: [['X-Empty', '']] }), baseUrl));
    expect(got.headers.find(([n]) => n.toLowerCase() === 'content-type')).toBeUndefined();
    expect(got.headers).toContainEqual(['X-Empty', '']);
  });
});
