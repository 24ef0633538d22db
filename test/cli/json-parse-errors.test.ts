// A command line the option parser (commander) refuses before the command runs, for a command asked for --json: the
// same one JSON error line on stderr as every other failure of it (README, "Errors with --json"), code `usage`, exit 2,
// commander's words; without --json, commander's words as ever.

import { describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';

function home(): Record<string, string> {
  const h = tempHome();
  onCleanup(h.cleanup);
  return h.env;
}

describe('a command line commander refuses, with --json', () => {
  // `args` without --json; `at` is where --json goes (before the mistake, or after it).
  const cases: { what: string; args: string[]; at?: number; command: string }[] = [
    { what: 'an unknown option', args: ['ls', '--bogus'], command: 'ls' },
    { what: 'an unknown option, --json after it', args: ['prune', '--bogus'], at: 2, command: 'prune' },
    { what: 'a missing argument', args: ['show'], command: 'show' },
    { what: 'missing arguments', args: ['retry'], command: 'retry' },
    { what: 'a second argument missing', args: ['diff', '1'], command: 'diff' },
    { what: 'a missing option value', args: ['wait', '--timeout'], at: 1, command: 'wait' },
    { what: 'too many arguments', args: ['ls', 'extra'], command: 'ls' },
  ];

  it.each(cases)('$what: one JSON error, code usage, the words of the text, exit 2', async ({ args, at = 1, command }) => {
    const env = home();
    const text = await runCli(args, { env });
    const json = await runCli([...args.slice(0, at), '--json', ...args.slice(at)], { env });
    expect(text.code).toBe(2);
    const words = /^error: (.*)\n$/.exec(text.stderr)?.[1];
    expect(words, text.stderr).toBeDefined();
    expect(json.code).toBe(2);
    expect(json.stdout).toBe('');
    expect(jsonLines(json.stderr)).toEqual([{ error: { code: 'usage', message: words, hint: `see \`hooktunnel ${command} --help\`` } }]);
  });

  it("a misspelt option: commander's guess leads the hint", async () => {
    const result = await runCli(['ls', '--json', '--limt', '3'], { env: home() });
    expect(result.code).toBe(2);
    expect(jsonLines(result.stderr)).toEqual([
      { error: { code: 'usage', message: "unknown option '--limt'", hint: 'did you mean --limit? see `hooktunnel ls --help`' } },
    ]);
  });

  it("export's --json <file> missing its file counts as asking for JSON", async () => {
    const result = await runCli(['export', '--json'], { env: home() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(jsonLines(result.stderr)).toEqual([
      { error: { code: 'usage', message: "option '--json <file>' argument missing", hint: 'see `hooktunnel export --help`' } },
    ]);
  });
});
