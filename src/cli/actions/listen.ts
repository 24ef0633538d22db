// Runs `listen`: opens the store, finds or starts a relay, runs the session until Ctrl-C or a fatal error.

import { parseDuration } from '../../duration.js';
import { ensureEmbeddedRelay, type EmbeddedRelay } from '../../embedded-relay.js';
import { UserError, usageError } from '../../errors.js';
import { parseTarget } from '../../forward/target.js';
import type { HostHeaderMode } from '../../forward/forwarder.js';
import { loadConfig, relayFromConfig } from '../../config.js';
import { defaultDbPath } from '../../paths.js';
import { jsonReporter, plainReporter, type ListenReporter } from '../../output/listen-reporter.js';
import { Session } from '../../session.js';
import { Store } from '../../store/store.js';
import type { TuiHandle } from '../../tui/run-tui.js';
import { shouldUseTui } from '../../tui/should-use-tui.js';
import { loadResumeToken, resumeFilePath, resumeKey } from '../../tunnel/resume-file.js';
import { deliverySettings, type DeliveryFlags } from '../delivery-options.js';
import { keepRecent, keepResumeToken } from './listen-upkeep.js';
import { loadSecrets, type SecretFlags } from '../secret-options.js';

/** The flags of `hooktunnel listen` as its command parses them (the command imports this type; never the reverse). */
export interface ListenFlags extends SecretFlags, DeliveryFlags {
  relay?: string;
  token?: string;
  name?: string;
  force?: boolean;
  db?: string;
  store: boolean;
  timeout: string;
  hostHeader: string;
  json?: boolean;
  tui: boolean;
  retry: boolean;
  embeddedPort: string;
}

function parseHostHeader(value: string): HostHeaderMode {
  if (value === 'rewrite' || value === 'preserve') return value;
  if (!value.trim()) throw usageError('--host-header needs rewrite, preserve, or a host value');
  return { value };
}

function parseRelayUrl(value: string): string {
  try {
    const url = new URL(value);
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return value;
  } catch {
    // fall through to the error below
  }
  throw usageError(`--relay "${value}" is not an http(s):// or ws(s):// URL`, 'for example --relay https://hooks.example.com');
}

export async function listen(targetArg: string, flags: ListenFlags): Promise<void> {
  const target = parseTarget(targetArg);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const hostHeader = parseHostHeader(flags.hostHeader);
  const delivery = deliverySettings(flags);
  // --relay / HOOKTUNNEL_RELAY, else the relay saved by `hooktunnel login` (its token goes to that relay only).
  const remote = relayFromConfig(flags, loadConfig());
  const relayUrl = remote.relay ? parseRelayUrl(remote.relay) : undefined;
  const write = (text: string) => process.stdout.write(text);
  const reporter: ListenReporter = flags.json ? jsonReporter(write) : plainReporter(write, (t) => process.stderr.write(t));

  const dbPath = flags.store ? (flags.db ?? defaultDbPath()) : null;
  const store = dbPath ? Store.open(dbPath, { backgroundCheckpoints: true }) : null;
  store?.markInterrupted();

  let embedded: EmbeddedRelay | undefined;
  let session: Session | undefined;
  let tui: TuiHandle | undefined;
  const shutdown = async () => {
    // The UI goes first, so the terminal is restored before anything else is printed.
    tui?.close();
    await tui?.done.catch(() => {});
    session?.close();
    await embedded?.relay?.close();
    store?.close();
  };

  try {
    if (!relayUrl) embedded = await ensureEmbeddedRelay(Number(flags.embeddedPort));
    const tunnelRelay = relayUrl ?? embedded!.url;
    // On our own embedded relay the name defaults to the port, so the URL repeats from run to run.
    const name = flags.name ?? (embedded?.relay ? String(target.port) : undefined);
    const resumeFile = resumeFilePath();
    const resume = resumeKey(tunnelRelay, target.url, name);
    session = new Session({
      target,
      relayUrl: tunnelRelay,
      token: remote.token,
      name,
      resumeToken: loadResumeToken(resumeFile, resume),
      ack: delivery.ack,
      maxAttempts: delivery.maxAttempts,
      retryBaseMs: delivery.retryBaseMs,
      force: flags.force,
      timeoutMs,
      hostHeader,
      retry: flags.retry,
      store,
      secrets: loadSecrets(flags),
    });
    // Before the URL is shown: a listen killed right after printing it still comes back on it.
    keepResumeToken(session, resumeFile, resume);
    if (store && shouldUseTui(flags)) {
      // Loaded only here, so plain runs and --help never import Ink or React.
      const { startListenTui } = await import('../../tui/start-listen-tui.js');
      tui = await startListenTui({ session, store, target, timeoutMs, localOnly: embedded !== undefined, note: embedded?.note });
    } else {
      session.on('status', (status) => reporter.status(status));
      session.on('exchange', (exchange) => reporter.exchange(exchange));
      session.on('storeError', (error) => reporter.storeError(error));
      session.on('dropped', (count) => reporter.dropped(count));
      session.on('storage', (state) => reporter.storage(state));
      session.on('ready', (welcome) =>
        reporter.ready({ url: welcome.url, target: target.url, dbPath, localOnly: embedded !== undefined, note: embedded?.note }),
      );
      // Counted now: the worker starts on them before the relay answers.
      const pending = session.pendingAttempts();
      session.once('ready', () => reporter.pendingAttempts(pending));
    }
    if (store && delivery.keep !== undefined) keepRecent(session, store, delivery.keep);

    const finished = new Promise<void>((resolve, reject) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Quitting the UI (q, Ctrl-C in raw mode) ends the session the same way a signal does.
      tui?.done.then(stop, reject);
      session!.on('fatal', (error) => reject(new UserError(error.message, { hint: fatalHint(error.message) })));
    });
    const started = session.start().catch((error: Error) => {
      throw new UserError(error.message, { hint: fatalHint(error.message) });
    });
    // Quitting (or a signal) while the relay is still being reached must not wait for it.
    await Promise.race([started, finished]);
    await finished;
  } finally {
    await shutdown();
  }
}

function fatalHint(message: string): string | undefined {
  if (/connection refused|resolve/.test(message)) return 'is the relay running? check --relay / HOOKTUNNEL_RELAY (or leave it out to use the embedded relay)';
  if (/name_taken/.test(message)) return 'pick another --name, or pass --force to take it over';
  if (/name_reserved/.test(message)) return 'another token owns this name on the relay; pick another --name';
  if (/too_many_tunnels/.test(message)) return 'stop another `hooktunnel listen` that uses this token';
  if (/revoked/.test(message)) return 'the token was revoked; ask the relay\'s operator for a new one, then run `hooktunnel login <relay-url> --token <token>`';
  if (/took over/.test(message)) return 'another `hooktunnel listen --force` took this name; this one stops instead of fighting over it';
  return undefined;
}
