// Every command's --help, as a user runs it, teaches it: a one-line purpose, its arguments described, and at least
// one example of that very command. Subcommands (`config check`, `relay token revoke`) included: the list is walked
// from the commands themselves, so a new one cannot ship without its examples.

import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/catalog.js';
import { runCli } from '../helpers/cli.js';

/** Every command path, `relay token create` as ['relay', 'token', 'create'], but commander's own `help`. */
async function commandPaths(): Promise<{ path: string[]; command: Command }[]> {
  const found: { path: string[]; command: Command }[] = [];
  const walk = (command: Command, path: string[]) => {
    found.push({ path, command });
    for (const sub of command.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  for (const entry of COMMANDS) walk(await entry.load(), [entry.name]);
  return found;
}

/** The lines under the help's `Example:` / `Examples:` heading, up to the next blank line. */
function exampleLines(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => /^Examples?:$/.test(line));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('--help of every command', async () => {
  const commands = await commandPaths();

  it.each(commands.map(({ path, command }) => [path.join(' '), path, command] as const))('%s', async (name, path, command) => {
    const result = await runCli([...path, '--help']);
    expect(result.code).toBe(0);
    const help = result.stdout;
    // The purpose in one sentence, right under the usage line.
    const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(command.description()).toMatch(/^[A-Z][^\n]*\.$/);
    expect(flat(help.split('\n\n')[1])).toBe(flat(command.description()));
    // Every argument is named and described.
    for (const argument of command.registeredArguments) {
      expect(argument.description, `${name}: <${argument.name()}> has no description`).not.toBe('');
      expect(help).toMatch(new RegExp(`^Arguments:[\\s\\S]*^  ${argument.name()} `, 'm'));
    }
    // At least one example, and it runs this command.
    const examples = exampleLines(help);
    expect(examples.length, `${name} --help has no Examples section`).toBeGreaterThan(0);
    expect(examples.some((line) => line.includes(`hooktunnel ${name}`)), `no example of \`hooktunnel ${name}\`:\n${examples.join('\n')}`).toBe(true);
    // An example cut over two lines must still paste as one command.
    for (const [i, line] of examples.entries()) {
      const next = examples[i + 1];
      if (next && /^\s{5,}--/.test(next)) expect(line, `${name}: an example continues on the next line without a \\`).toMatch(/\\$/);
    }
    // commander adds "(env: X)" itself: a description that names the variable too says it twice.
    for (const option of command.options) {
      if (option.envVar) expect(option.description, `${name} ${option.long}`).not.toMatch(/\benv:/);
    }
  });
});
