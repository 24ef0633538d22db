// Quoting round trips through real shells: what the shell hands the program must be the exact original bytes.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ansiCQuote, isPrintableText, printfFormat, quoteArg, shellWord, singleQuote } from '../../src/export/shell-quote.js';
import { ALL_BYTES } from './support.js';

const run = promisify(execFile);

/** The bytes a shell writes for `printf %s <quoted>` (or the script as given), as a Buffer. */
async function shellOutput(shell: 'sh' | 'bash', script: string): Promise<Buffer> {
  const { stdout } = await run(shell, ['-c', script], { encoding: 'buffer' });
  return stdout;
}

describe('singleQuote', () => {
  it.each([
    "it's",
    "''",
    'a\\b $HOME `id` $(id) "x" !event *?[a]',
    'line one\nline two\ttab',
    '',
  ])('survives sh unchanged: %j', async (text) => {
    expect((await shellOutput('sh', `printf %s ${singleQuote(text)}`)).toString()).toBe(text);
  });
});

describe('ansiCQuote', () => {
  it('carries every byte but NUL through bash', async () => {
    const bytes = ALL_BYTES.subarray(1);
    expect(await shellOutput('bash', `printf %s ${ansiCQuote(bytes)}`)).toEqual(bytes);
  });

  it('writes nothing but printable ASCII', () => {
    expect(ansiCQuote(ALL_BYTES)).toMatch(/^\$'[\x20-\x7e]*'$/);
    expect(ansiCQuote(Buffer.from("a'b\\c\n"))).toBe("$'a\\'b\\\\c\\n'");
  });
});

describe('printfFormat', () => {
  it('makes a POSIX printf write every byte, NUL included', async () => {
    expect(await shellOutput('sh', `printf ${printfFormat(ALL_BYTES)}`)).toEqual(ALL_BYTES);
  });

  it('doubles % so printf does not read it as a conversion', async () => {
    expect((await shellOutput('sh', `printf ${printfFormat(Buffer.from('100%s %d'))}`)).toString()).toBe('100%s %d');
  });
});

describe('quoteArg', () => {
  it('single-quotes printable ASCII', () => {
    expect(quoteArg('X-Test: a b')).toBe("'X-Test: a b'");
  });

  it('sends a latin1-decoded header value as its original bytes, escaping control characters', async () => {
    const headerText = Buffer.from('X-Name: café \x1b[31m', 'utf8').toString('latin1');
    const quoted = quoteArg(headerText);
    expect(quoted).not.toContain('\x1b');
    expect(await shellOutput('bash', `printf %s ${quoted}`)).toEqual(Buffer.from('X-Name: café \x1b[31m', 'utf8'));
  });
});

describe('isPrintableText', () => {
  it.each([
    ['JSON', '{"a":"b"}', true],
    ['UTF-8 text', 'Montréal → 東京', true],
    ['newlines and tabs', 'a\n\tb', true],
    ['an escape sequence', 'a\x1b[2Jb', false],
    ['a carriage return', 'a\r\nb', false],
    ['a bidi override', 'abc\u202Edef', false],
  ])('%s → %s', (_, text, expected) => {
    expect(isPrintableText(Buffer.from(text))).toBe(expected);
  });

  it('rejects invalid UTF-8', () => {
    expect(isPrintableText(Buffer.from([0x7b, 0xff, 0x7d]))).toBe(false);
  });
});

describe('shellWord', () => {
  it.each([
    ['/tmp/hooktunnel-edit-x1/body.json', '/tmp/hooktunnel-edit-x1/body.json'],
    ['/home/dev/My Webhooks/capture.db', "'/home/dev/My Webhooks/capture.db'"],
    ["/tmp/it's.db", `'/tmp/it'\\''s.db'`],
    ['/tmp/$(rm -rf ~).db', "'/tmp/$(rm -rf ~).db'"],
    ['/tmp/a\x1b[2Jb.db', "$'/tmp/a\\x1b[2Jb.db'"],
  ])('%j → %s', (text, expected) => {
    expect(shellWord(text)).toBe(expected);
  });
});
