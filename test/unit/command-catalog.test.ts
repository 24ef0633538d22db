// The command catalog that --help is built from says exactly what the commands themselves say.

import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandOf, COMMANDS, termOf } from '../../src/cli/commands/catalog.js';
import { buildProgram } from '../../src/cli/main.js';

describe('command catalog', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))('%s: name, usage and description match the full command', async (_name, entry) => {
    const command = await entry.load();
    const help = new Help();
    expect(command.name()).toBe(entry.name);
    expect(help.subcommandTerm(command)).toBe(termOf(entry));
    expect(help.subcommandDescription(command)).toBe(entry.description);
  });

  it('lists the same commands in --help whether one, none or all of them are loaded', async () => {
    const stubs = (await buildProgram([])).helpInformation();
    for (const entry of COMMANDS) {
      expect((await buildProgram([entry.name])).helpInformation()).toBe(stubs);
    }
  });

  it.each([
    [['listen', '3000'], 'listen'],
    [['help', 'relay'], 'relay'],
    [['relay', 'token', 'create'], 'relay'],
    [['--help'], undefined],
    [['help'], undefined],
    [['nope'], undefined],
  ])('%j runs (or asks help for) %s', (args, name) => {
    expect(commandOf(args)?.name).toBe(name);
  });

  it('loads the command it runs in full, with its options', async () => {
    const program = await buildProgram(['help', 'ls']);
    const ls = program.commands.find((command) => command.name() === 'ls')!;
    expect(ls.options.map((option) => option.long)).toContain('--json');
    const show = program.commands.find((command) => command.name() === 'show')!;
    expect(show.options).toEqual([]);
  });

  it('gives every command that waits for the local app the same --timeout: default and environment variable', async () => {
    const timeouts = [];
    for (const entry of COMMANDS) {
      const option = (await entry.load()).options.find((o) => o.long === '--timeout');
      // `wait --timeout` is how long to wait for exchanges, not for the app.
      if (option?.description.includes('local app')) timeouts.push([entry.name, option.defaultValue, option.envVar]);
    }
    expect(timeouts.map(([name]) => name).sort()).toEqual(['inspect', 'listen', 'replay', 'retry', 'trigger', 'web']);
    for (const [name, defaultValue, envVar] of timeouts) expect([name, defaultValue, envVar]).toEqual([name, '30s', 'HOOKTUNNEL_TIMEOUT']);
  });
});
