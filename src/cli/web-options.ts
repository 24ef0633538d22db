// The web inspector flags of `listen` (--inspect-port, --no-web) and how they become the inspector's port settings.

import { Option, type Command } from 'commander';
import { parsePort } from './port.js';

/** ngrok's inspector port; kept in step with src/web/server.ts, which --help must not load. */
const DEFAULT_INSPECT_PORT = 4040;

export interface WebFlags {
  /** false with --no-web / HOOKTUNNEL_NO_WEB. */
  web: boolean;
  inspectPort?: string;
}

export function withWebOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--inspect-port <port>', `port of the web inspector on 127.0.0.1 (default ${DEFAULT_INSPECT_PORT}, or the next free one)`).env(
        'HOOKTUNNEL_INSPECT_PORT',
      ),
    )
    .addOption(new Option('--no-web', 'do not serve the web inspector').env('HOOKTUNNEL_NO_WEB'));
}

/** The port to bind and whether another may be taken when it is busy: only the default gives way. */
export function inspectPort(value: string | undefined, flag = '--inspect-port'): { port: number; fallback: boolean } {
  if (value === undefined) return { port: DEFAULT_INSPECT_PORT, fallback: true };
  return { port: parsePort(value, flag, '4041'), fallback: false };
}
