// What `listen` prints as its session runs: plain log lines, or NDJSON events with --json.

import chalk from 'chalk';
import { exchangeToJson, type ExchangeSummary } from '../exchange.js';
import type { ConnectionStatus } from '../tunnel/tunnel-client.js';
import { sanitize } from '../sanitize.js';
import { logLine } from './exchange-text.js';

export interface ReadyInfo {
  url: string;
  target: string;
  dbPath: string | null;
  /** Set for the embedded relay: the URL works from this machine only. */
  localOnly: boolean;
  note?: string;
}

export interface ListenReporter {
  status(status: ConnectionStatus): void;
  ready(info: ReadyInfo): void;
  exchange(exchange: ExchangeSummary): void;
  storeError(error: Error): void;
}

type Write = (text: string) => void;

export function plainReporter(out: Write, err: Write): ListenReporter {
  let storeErrors = 0;
  return {
    status(status) {
      if (status.state === 'reconnecting') {
        const wait = status.retryAt ? `, retrying in ${Math.max(0, Math.round((status.retryAt - Date.now()) / 100) / 10)}s` : '';
        err(`${chalk.yellow('reconnecting')} (attempt ${status.attempt}${wait})${status.error ? `: ${sanitize(status.error)}` : ''}\n`);
      } else if (status.state === 'offline') {
        err(`${chalk.red('offline')}${status.error ? `: ${sanitize(status.error)}` : ''}\n`);
      }
    },
    ready(info) {
      out(`${chalk.bold.green('hooktunnel')}  ${chalk.bold(info.url)}  →  ${info.target}\n`);
      if (info.localOnly) {
        out(chalk.dim('            embedded relay: reachable from this machine only; to receive real webhooks, self-host a relay (README: "Self-host the relay")\n'));
      }
      if (info.note) out(chalk.dim(`            ${info.note}\n`));
      out(chalk.dim(`            ${info.dbPath ? `recording to ${info.dbPath}` : 'not recording (--no-store)'}; Ctrl-C to stop\n`));
    },
    exchange(exchange) {
      if (exchange.state !== 'pending') out(`${logLine(exchange)}\n`);
    },
    storeError(error) {
      // Loud once, then counted, so a failing disk does not flood the terminal.
      if (storeErrors++ === 0) err(`${chalk.red('recording failed')} (forwarding continues): ${error.message}\n`);
    },
  };
}

export function jsonReporter(out: Write): ListenReporter {
  const emit = (event: object) => out(`${JSON.stringify(event)}\n`);
  return {
    status: (status) => emit({ type: 'status', ...status }),
    ready: (info) => emit({ type: 'ready', ...info }),
    exchange: (exchange) => {
      if (exchange.state !== 'pending') emit({ type: 'request', ...exchangeToJson(exchange) });
    },
    storeError: (error) => emit({ type: 'store-error', message: error.message }),
  };
}
