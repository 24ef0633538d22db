// HTTPie export: the command text, and (HTTPie itself not being installed) a stand-in `http` on PATH that records
// the argv and stdin the shell hands it, to prove the quoting and piping deliver the exact bytes.

import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHttpie } from '../../src/export/httpie.js';
import { ALL_BYTES, exchange } from './support.js';

const run = promisify(execFile);

describe('toHttpie command text', () => {
  it('writes method, URL, header items and an inline --raw body', () => {
    expect(toHttpie(exchange(), 'http://localhost:3000')).toBe(
      [
        "http --ignore-stdin POST 'http://localhost:3000/webhooks/stripe'",
        "'Content-Type:application/json; charset=utf-8'",
        "'Stripe-Signature:t=1722860000,v1=abc'",
        `--raw '{"id":"evt_1","n":1}'`,
      ].join(' \\\n  '),
    );
  });

  it('keeps duplicate headers and writes an empty one as Name;', () => {
    const command = toHttpie(
      exchange({ requestHeaders: [['X-Dup', '1'], ['Content-Type', 'text/plain'], ['X-Dup', '2'], ['X-Empty', '']] }),
      'http://h',
    );
    expect(command).toContain("'X-Dup:1' \\\n  'Content-Type:text/plain' \\\n  'X-Dup:2' \\\n  'X-Empty;'");
  });

  it('escapes a value starting with = so HTTPie does not read Name:= as a JSON field', () => {
    expect(toHttpie(exchange({ requestHeaders: [['X-Sig', '=abc']] }), 'http://h')).toContain("'X-Sig:\\=abc'");
  });

  it('removes the Content-Type HTTPie would add when none was recorded', () => {
    expect(toHttpie(exchange({ requestHeaders: [] }), 'http://h')).toContain("'Content-Type:'");
  });

  it('pipes a non-text body from printf and redirects a body file', () => {
    const binary = toHttpie(exchange({ requestBody: Buffer.from([0xff, 0x00]) }), 'http://h');
    expect(binary).toMatch(/^printf '\\377\\000' \| http POST /);
    expect(binary).not.toContain('--ignore-stdin');
    expect(toHttpie(exchange(), 'http://h', { bodyFile: '/tmp/b.bin' })).toMatch(/ \\\n {2}< '\/tmp\/b\.bin'$/);
  });

  it('sends a GET with no body and no Content-Type fix-up', () => {
    const get = toHttpie(exchange({ method: 'GET', requestBody: Buffer.alloc(0), requestHeaders: [] }), 'http://h');
    expect(get).toBe("http --ignore-stdin GET 'http://h/webhooks/stripe'");
  });
});

describe('toHttpie through a real shell', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hooktunnel-httpie-'));
    const fake = join(dir, 'http');
    await writeFile(
      fake,
      `#!${process.execPath}\n` +
        'const argv = process.argv.slice(2);\n' +
        "const report = (stdin) => process.stdout.write(JSON.stringify({ argv, stdin: stdin.toString('base64') }));\n" +
        // Like HTTPie: stdin is the body unless --ignore-stdin says otherwise.
        "if (argv.includes('--ignore-stdin')) report(Buffer.alloc(0));\n" +
        'else { const c = []; process.stdin.on(\'data\', (d) => c.push(d));\n' +
        "  process.stdin.on('end', () => report(Buffer.concat(c))); }\n",
    );
    await chmod(fake, 0o755);
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function invoke(command: string): Promise<{ argv: string[]; stdin: Buffer }> {
    const { stdout } = await run('bash', ['-c', command], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    });
    const parsed = JSON.parse(stdout) as { argv: string[]; stdin: string };
    return { argv: parsed.argv, stdin: Buffer.from(parsed.stdin, 'base64') };
  }

  it('hands HTTPie the exact header items and text body', async () => {
    const body = `{"name":"O'Brien","note":"$HOME \`id\`","city":"Montréal"}\n`;
    const recorded = exchange({
      requestHeaders: [['X-Quote', `it's $HOME`], ['X-Dup', 'a'], ['X-Dup', 'b']],
      requestBody: Buffer.from(body),
    });
    const { argv } = await invoke(toHttpie(recorded, 'http://h'));
    expect(argv).toEqual([
      '--ignore-stdin',
      'POST',
      'http://h/webhooks/stripe',
      `X-Quote:it's $HOME`,
      'X-Dup:a',
      'X-Dup:b',
      'Content-Type:',
      '--raw',
      body,
    ]);
  });

  it('hands HTTPie every byte value on stdin', async () => {
    const { argv, stdin } = await invoke(toHttpie(exchange({ requestBody: ALL_BYTES }), 'http://h'));
    expect(argv.slice(0, 2)).toEqual(['POST', 'http://h/webhooks/stripe']);
    expect(stdin).toEqual(ALL_BYTES);
  });

  it('hands HTTPie the body file on stdin', async () => {
    const file = join(dir, 'body.bin');
    await writeFile(file, ALL_BYTES);
    const { stdin } = await invoke(toHttpie(exchange({ requestBody: ALL_BYTES }), 'http://h', { bodyFile: file }));
    expect(stdin).toEqual(ALL_BYTES);
  });
});
