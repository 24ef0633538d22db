// Every command's name, usage and one-line description, and how to load its full definition.
//
// `hooktunnel --help` lists every command but runs none: building all of them would load about 25 modules (their
// options' parsers and defaults) for nothing. The program is built from this table; only the command being run (or
// asked for with `help <command>`) is loaded in full. test/unit/command-catalog.test.ts keeps this table equal to
// what the commands themselves say.

import type { Command } from 'commander';

export interface CatalogEntry {
  name: string;
  /**
   * What follows the name in the list of commands, as commander would print it: `[options]`, then the arguments;
   * empty for a command with neither (`config`, whose work is in its subcommands).
   */
  usage: string;
  description: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CatalogEntry[] = [
  {
    name: 'listen',
    usage: '[options] [target]',
    description: 'Open a public URL and forward every request to a local app, recording each exchange.',
    load: async () => (await import('./listen.js')).listenCommand(),
  },
  {
    name: 'inspect',
    usage: '[options]',
    description: 'Browse recorded exchanges in the interactive inspector, and replay them, without a tunnel.',
    load: async () => (await import('./inspect.js')).inspectCommand(),
  },
  {
    name: 'web',
    usage: '[options]',
    description: 'Browse, diff and replay recorded exchanges in the browser, live as other processes record them.',
    load: async () => (await import('./web.js')).webCommand(),
  },
  {
    name: 'ls',
    usage: '[options]',
    description: 'List recorded exchanges, newest first.',
    load: async () => (await import('./ls.js')).lsCommand(),
  },
  {
    name: 'show',
    usage: '[options] <id>',
    description: 'Show one recorded exchange: request and response with headers and bodies.',
    load: async () => (await import('./show.js')).showCommand(),
  },
  {
    name: 'replay',
    usage: '[options] [ids...]',
    description: 'Send recorded requests to the local app again: same method, path, headers and body bytes, or edited and re-signed.',
    load: async () => (await import('./replay.js')).replayCommand(),
  },
  {
    name: 'retry',
    usage: '[options] <ids...>',
    description: 'Send recorded exchanges that failed to the local app now, as a new attempt of the same exchange (replay makes a new one).',
    load: async () => (await import('./retry.js')).retryCommand(),
  },
  {
    name: 'verify',
    usage: '[options] <ids...>',
    description: 'Re-check the signature of recorded requests with the secrets known now (as of when each arrived).',
    load: async () => (await import('./verify.js')).verifyCommand(),
  },
  {
    name: 'trigger',
    usage: '[options] [provider] [event]',
    description: 'Send a realistic sample webhook (Stripe, GitHub, Shopify, Slack, Svix: Clerk and Resend) to the local app, signed with your secret, and record it.',
    load: async () => (await import('./trigger.js')).triggerCommand(),
  },
  {
    name: 'wait',
    usage: '[options]',
    description: 'Wait until an exchange matching every --match is recorded (by any listen writing the store), then print it.',
    load: async () => (await import('./wait.js')).waitCommand(),
  },
  {
    name: 'diff',
    usage: '[options] <a> <b>',
    description: 'Show what differs between two exchanges: method, path, status, request headers, and the body (JSON by path, else size and SHA-256).',
    load: async () => (await import('./diff.js')).diffCommand(),
  },
  {
    name: 'export',
    usage: '[options]',
    description: 'Export recorded exchanges, with bodies, as HAR 1.2 (browser devtools, Charles, Insomnia) or JSON.',
    load: async () => (await import('./export.js')).exportCommand(),
  },
  {
    name: 'import',
    usage: '[options] <file.har>',
    description: 'Import a HAR 1.2 archive (browser devtools, ngrok, `hooktunnel export --har`) as replayable exchanges, bodies byte for byte.',
    load: async () => (await import('./import.js')).importCommand(),
  },
  {
    name: 'prune',
    usage: '[options]',
    description: 'Delete recorded exchanges older than a duration, or all but the newest N.',
    load: async () => (await import('./prune.js')).pruneCommand(),
  },
  {
    name: 'config',
    usage: '',
    description: 'Work with the project file hooktunnel.yml (routes and listen flags).',
    load: async () => (await import('./config.js')).configCommand(),
  },
  {
    name: 'relay',
    usage: '[options]',
    description: 'Run a relay: the public side of hooktunnel that senders POST to and CLIs connect to.',
    load: async () => (await import('./relay.js')).relayCommand(),
  },
  {
    name: 'login',
    usage: '[options] <relay-url>',
    description: 'Check a relay URL and its token against the relay, then save them in the config file, so `hooktunnel listen` uses them.',
    load: async () => (await import('./login.js')).loginCommand(),
  },
  {
    name: 'logout',
    usage: '',
    description: 'Forget the relay and token saved by `hooktunnel login`; `listen` uses the embedded relay again.',
    load: async () => (await import('./login.js')).logoutCommand(),
  },
];

/** The command's line in the list of commands: its name, then its usage if it has one (as commander's Help.subcommandTerm). */
export function termOf(entry: CatalogEntry): string {
  return entry.usage ? `${entry.name} ${entry.usage}` : entry.name;
}

/** The command a command line runs, or asks help for (`help <command>`); undefined for the top level. */
export function commandOf(args: readonly string[]): CatalogEntry | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((entry) => entry.name === name);
}
