// What `listen` prints as its session runs: plain log lines, or NDJSON events with --json.

import chalk from 'chalk';
import { exchangeToJson, type ExchangeSummary } from '../exchange.js';
import type { StorageState } from '../session.js';
import type { ConnectionStatus } from '../tunnel/tunnel-client.js';
import { sanitize } from '../sanitize.js';
import { logLine } from './exchange-text.js';
import { jsonText } from './json-text.js';
import type { Route } from '../routes/route-table.js';
import { routeLines, routesLabel, routeViews } from '../routes/route-view.js';

export interface ReadyInfo {
  url: string;
  target: string;
  /** The web inspector's address (with its secret), when it runs. */
  inspector?: string;
  dbPath: string | null;
  /** Set for the embedded relay: the URL works from this machine only. */
  localOnly: boolean;
  note?: string;
  /** hooktunnel.yml routes, when listen runs with them. */
  routes?: Route[];
  /** Where the routes came from (configSource): `hooktunnel.yml`, `piped config /dev/fd/63`. */
  routesFrom?: string;
}

export interface ListenReporter {
  status(status: ConnectionStatus): void;
  ready(info: ReadyInfo): void;
  exchange(exchange: ExchangeSummary): void;
  storeError(error: Error): void;
  /** Exchanges lost (store full or locked, memory buffer full), so far in this session. */
  dropped(count: number): void;
  storage(state: StorageState): void;
  /** Automatic attempts waiting from an earlier run, once at start. */
  pendingAttempts(count: number): void;
  /** Something the user should know that is not a connection state (this process now hosts the embedded relay). */
  notice(message: string): void;
}

type Write = (text: string) => void;

/** Loud, but not a line per dropped exchange: at most one a second, and the last count at the end. */
const DROP_LINE_INTERVAL_MS = 1_000;

export function plainReporter(out: Write, err: Write): ListenReporter {
  let storeErrors = 0;
  let away = false;
  let lastDropLine = 0;
  /** The URL the relay gave last, and the one before it when a reconnect came back on another (the relay forgot the id). */
  let url: string | undefined;
  let lostUrl: string | undefined;
  return {
    status(status) {
      if (status.state === 'online' && away) {
        away = false;
        if (lostUrl) {
          // A random id the relay no longer knew (its resume TTL ran out, or its state was lost): senders of the old URL
          // get 404 and nothing sent to it is queued. Said plainly, never as "same URL".
          err(
            `${chalk.green('online')} again, ${chalk.bold.red('on a NEW URL')} ${sanitize(url!)} (was ${sanitize(lostUrl)}, which the relay no longer ` +
              `knows: webhooks sent there are not delivered); update your senders, or use --name for a URL that stays\n`,
          );
          lostUrl = undefined;
        } else {
          err(`${chalk.green('online')} again: same URL, requests queued meanwhile are being delivered\n`);
        }
      }
      if (status.state === 'reconnecting') {
        away = true;
        const wait = status.retryAt ? `, retrying in ${Math.max(0, Math.round((status.retryAt - Date.now()) / 100) / 10)}s` : '';
        err(`${chalk.yellow('reconnecting')} (attempt ${status.attempt}${wait})${status.error ? `: ${sanitize(status.error)}` : ''}\n`);
      }
      // 'offline' comes just before listen ends with the same reason as its error line: said once, there.
    },
    ready(info) {
      if (url !== undefined && info.url !== url) lostUrl ??= url;
      url = info.url;
      out(`${chalk.bold.green('hooktunnel')}  ${chalk.bold(sanitize(info.url))}  →  ${info.routes ? routesLabel(info.routes, info.routesFrom) : sanitize(info.target)}\n`);
      for (const line of info.routes ? routeLines(info.routes, '            ') : []) out(`${line}\n`);
      if (info.inspector) out(`            inspector ${chalk.cyan(info.inspector)}\n`);
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
    dropped(count) {
      const now = Date.now();
      if (now - lastDropLine < DROP_LINE_INTERVAL_MS) return;
      lastDropLine = now;
      err(`${chalk.bgRed.white(' DROPPED ')} ${count} exchange${count === 1 ? '' : 's'} not recorded: the store is full or locked and the memory buffer is full (forwarding continues)\n`);
    },
    storage(state) {
      if (state.state === 'buffering') {
        err(`${chalk.yellow('store full or locked')} (${sanitize(state.error.message)}): exchanges are held in memory and written when it recovers\n`);
      } else {
        err(`${chalk.green('store recovered')}: exchanges held in memory are written\n`);
      }
    },
    pendingAttempts(count) {
      if (count > 0) out(chalk.dim(`            ${count} deliver${count === 1 ? 'y' : 'ies'} pending from an earlier run (retries and queued requests)\n`));
    },
    notice(message) {
      err(`${chalk.cyan('note')}: ${sanitize(message)}\n`);
    },
  };
}

export function jsonReporter(out: Write): ListenReporter {
  const emit = (event: object) => out(`${jsonText(event)}\n`);
  return {
    status: (status) => emit({ type: 'status', ...status }),
    // With routes there is no one target (each route has its own): null, not the first route's, which would mislead.
    // Every documented field, null when it does not apply (--no-web: no inspector), so scripts can rely on the shape.
    ready: ({ routes, routesFrom: _from, ...info }) =>
      emit({ type: 'ready', ...info, inspector: info.inspector ?? null, note: info.note ?? null, ...(routes ? { target: null, routes: routeViews(routes) } : {}) }),
    exchange: (exchange) => {
      if (exchange.state !== 'pending') emit({ type: 'request', ...exchangeToJson(exchange) });
    },
    storeError: (error) => emit({ type: 'store-error', message: error.message }),
    dropped: (count) => emit({ type: 'dropped', count }),
    storage: (state) => emit({ type: 'store', state: state.state, ...(state.state === 'buffering' ? { message: state.error.message } : {}) }),
    pendingAttempts: (count) => emit({ type: 'pending', count }),
    notice: (message) => emit({ type: 'notice', message }),
  };
}
