// Runs `listen`: opens the store, finds or starts a relay, runs the session until Ctrl-C or a fatal error.

import { chalkStderr } from 'chalk';
import { resolve } from 'node:path';
import { parseDuration } from '../../duration.js';
import type { EmbeddedRelay } from '../../embedded-relay.js';
import type { Relay } from '../../../relay-server/relay.js';
import { UserError, usageError } from '../../errors.js';
import { parseTarget, type Target } from '../../forward/target.js';
import { parseHostHeader } from '../../forward/host-header.js';
import { tunnelNameProblem, type AckSettings } from '../../protocol.js';
import { releaseMemoryWhenIdle } from '../../idle-memory.js';
import { recordedChallengeProblem } from '../../webhooks/slack-challenge.js';
import { configSource } from '../../project-config/config-place.js';
import { ackPathWithoutAck, configNamedBy, findProjectConfig, longestTimeout, projectName, resolveRoutes } from '../../project-config/find-project-config.js';
import type { ProjectConfig } from '../../project-config/project-config.js';
import type { Route } from '../../routes/route-table.js';
import { routesLabel } from '../../routes/route-view.js';
import { withFileFlags, type UserSet } from '../project-flags.js';
import { DEFAULT_EMBEDDED_PORT, parsePort } from '../port.js';
import { parseRedactRule } from '../../redact/redact.js';
import type { Secrets } from '../../webhooks/secrets.js';
import { turnWriter } from '../../output/turn-writer.js';
import { loadConfig, relayFromConfig } from '../../config.js';
import { configPath, defaultDbPath } from '../../paths.js';
import { jsonReporter, plainReporter, type ListenReporter } from '../../output/listen-reporter.js';
import { Session } from '../../session.js';
import type { Store } from '../../store/store.js';
import { openStore } from '../open-store.js';
import { unwrittenError } from '../unwritten.js';
import { LISTEN_LOCK_WAIT_MS } from '../../store/without-waiting.js';
import { isTransientStoreError } from '../../store/write-behind.js';
import type { TuiHandle } from '../../tui/run-tui.js';
import { shouldUseTui } from '../../tui/should-use-tui.js';
import { loadResumeToken, resumeFilePath, resumeKey } from '../../tunnel/resume-file.js';
import { deliverySettings, type DeliveryFlags } from '../delivery-options.js';
import { keepRecent, keepResumeToken } from './listen-upkeep.js';
import { loadSecrets, type SecretFlags } from '../secret-options.js';
import { inspectPort, type WebFlags } from '../web-options.js';
import type { Inspector } from '../../web/server.js';
import { RelayFailure, type RelayFailureCode } from '../../tunnel/relay-failure.js';

/** The flags of `hooktunnel listen` as its command parses them (the command imports this type; never the reverse). */
export interface ListenFlags extends SecretFlags, DeliveryFlags, WebFlags {
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
  /** hooktunnel.yml to use instead of the one in the working directory. */
  config?: string;
  redact?: string[];
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

/** What listen forwards to: one target, or the routes of hooktunnel.yml (and the target shown for them). */
interface Forwarding {
  target: Target;
  routes?: Route[];
  /** Where the routes came from, as the first line says it (configSource): `hooktunnel.yml`, `piped config /dev/fd/63`. */
  routesFrom?: string;
  /** The local-app timeout the relay is told. */
  timeoutMs: number;
}

function forwarding(targetArg: string | undefined, project: ProjectConfig | undefined, flags: ListenFlags): Forwarding {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  if (targetArg) {
    if (project?.routes.length) process.stderr.write(`note: forwarding everything to ${targetArg}; the routes of ${project.file} are not used\n`);
    return { target: parseTarget(targetArg), timeoutMs };
  }
  if (!project?.routes.length) {
    throw usageError(
      project ? `listen needs a target: ${project.file} has no routes` : 'listen needs a target (a port or URL), or a hooktunnel.yml with routes',
      'for example `hooktunnel listen 3000`; see `hooktunnel config --help` for the file',
    );
  }
  const routes = resolveRoutes(project.routes, { timeoutMs, hostHeader: parseHostHeader(flags.hostHeader) });
  // Shown where one target is expected (and keys the resume token): the first route that forwards somewhere.
  const first = routes.flatMap((r) => (r.mode === 'mock' ? [] : [r.target]))[0];
  return { target: first ?? parseTarget('http://localhost'), routes, routesFrom: configSource(project.file), timeoutMs: longestTimeout(routes, timeoutMs) };
}

/** Acknowledge mode: the --ack flags, plus the prefixes of ack routes. */
function ackWithRoutes(ack: AckSettings | undefined, routes: Route[] | undefined, flags: ListenFlags): AckSettings | undefined {
  const prefixes = (routes ?? []).filter((r) => r.mode === 'ack').map((r) => r.prefix);
  if (prefixes.length === 0) return ack;
  // --ack with no paths acknowledges everything already.
  if (ack) return ack.paths.length === 0 ? ack : { ...ack, paths: [...ack.paths, ...prefixes] };
  return deliverySettings({ ...flags, ack: true, ackPath: prefixes }).ack;
}

export async function listen(targetArg: string | undefined, cliFlags: ListenFlags, userSet: UserSet = new Map()): Promise<void> {
  const configFile = findProjectConfig(cliFlags.config, configNamedBy(userSet.get('config')));
  const project = configFile ? (await import('../../project-config/read-project-config.js')).loadProjectConfig(configFile) : undefined;
  const flags = project ? withFileFlags(cliFlags, project.flags, userSet) : cliFlags;
  const { target, routes, routesFrom, timeoutMs } = forwarding(targetArg, project, flags);
  const nameProblem = flags.name === undefined ? undefined : tunnelNameProblem(flags.name);
  if (nameProblem) throw usageError(`--name: ${nameProblem}`, 'for example --name stripe-dev');
  const hostHeader = parseHostHeader(flags.hostHeader);
  // The file's ack-path (none typed) without --ack or ack: true: named as the file's, not as a flag the user never gave.
  const ackPathProblem = project && !userSet.has('ackPath') ? ackPathWithoutAck(project.file, flags) : undefined;
  if (ackPathProblem) throw ackPathProblem;
  const settings = deliverySettings(flags);
  const delivery = { ...settings, ack: ackWithRoutes(settings.ack, routes, flags) };
  // Typed on the command line only: an environment variable may be set for the runs that do use --ack.
  const ackOnly = ['ackStatus', 'ackBody'].filter((key) => userSet.get(key) === 'cli').map((key) => (key === 'ackStatus' ? '--ack-status' : '--ack-body'));
  if (ackOnly.length > 0 && !delivery.ack) {
    throw usageError(`${ackOnly.join(' and ')} ${ackOnly.length === 1 ? 'needs' : 'need'} acknowledge mode`, 'add --ack (or ack routes in hooktunnel.yml), or leave it out');
  }
  const redact = (flags.redact ?? []).map((rule) => parseRedactRule(rule));
  if (redact.length > 0 && delivery.ack) {
    // Acknowledged requests are delivered (and retried) from the store, which would hold only the redacted bytes.
    throw usageError('--redact cannot be used with acknowledge mode (--ack or ack routes)', 'redact at export time instead: hooktunnel export --redact …');
  }
  const web = inspectPort(flags.inspectPort);
  // --relay / HOOKTUNNEL_RELAY, else the relay saved by `hooktunnel login` (its token goes to that relay only).
  const remote = relayFromConfig(flags, loadConfig());
  const relayUrl = remote.relay ? parseRelayUrl(remote.relay) : undefined;
  const tokenSource: TokenSource = flags.token !== undefined ? 'flag' : remote.token !== undefined ? 'login' : 'none';
  const stdout = turnWriter((text) => process.stdout.write(text));
  const write = stdout.write;
  const reporter: ListenReporter = flags.json ? jsonReporter(write) : plainReporter(write, (t) => process.stderr.write(t));

  // Absolute, as the one from hooktunnel.yml is: the ready line and event say where to look from any folder.
  const dbPath = flags.store ? (flags.db === undefined ? defaultDbPath() : flags.db === ':memory:' ? flags.db : resolve(flags.db)) : null;
  const store = dbPath ? openStore(dbPath, { backgroundCheckpoints: true, lockWaitMs: LISTEN_LOCK_WAIT_MS, redact }) : null;
  try {
    store?.markInterrupted();
  } catch (error) {
    // A full or locked store must not stop listen before it starts: its exchanges wait in memory, as any write does,
    // and the first one says so (a `store` line). Readers show what an earlier listen left unanswered as interrupted
    // anyway (this only writes it down), and a dead process's lease on an attempt runs out by itself.
    if (!isTransientStoreError(error)) throw error;
  }

  let embedded: EmbeddedRelay | undefined;
  let session: Session | undefined;
  let tui: TuiHandle | undefined;
  let inspector: Inspector | undefined;
  let stopping = false;
  let takingOver: Promise<unknown> | undefined;
  /** Stopped by a signal: the exchanges under way are let finish before the session closes. */
  let graceful = false;
  /** Why listen is stopping, when it is a failure of its own. */
  let failure: unknown;
  /** Exchanges held in memory that the store never took: the failure of a listen that was simply stopped. */
  let lost: UserError | undefined;
  const shutdown = async () => {
    stopping = true;
    // The UI goes first, so the terminal is restored before anything else is printed.
    tui?.close();
    await tui?.done.catch(() => {});
    if (graceful && session) await drain(session, embedded?.relay, reporter);
    // Quitting the live inspector stops at once: say what becomes of what the app still had, or it looks lost.
    else if (tui && session && session.inFlight > 0) reporter.notice(cutInFlightNotice(session.inFlight));
    await inspector?.close();
    session?.close();
    // A relay started by a takeover still under way is ours to close too.
    await takingOver;
    await embedded?.relay?.close();
    // What still waits in memory (store full or locked) is lost with this process: said, not dropped in silence.
    // Queued deliveries among it were never ACKed, so the relay sends them again to the next listen.
    const unwritten = store?.unwritten();
    if (unwritten) {
      const message = `exchanges held in memory could not be recorded before exit: ${unwritten.message}`;
      // Stopped by a signal or q, this is the failure listen exits 1 with (an `error` event), as trigger or replay
      // would: a CI job's export would lack them. After another failure it is said beside it.
      if (failure === undefined) lost = unwrittenError(message, unwritten, ' (queued deliveries among them are sent again to the next listen)');
      else if (flags.json) reporter.storeError(new Error(message));
      else process.stderr.write(`warning: ${message}\n`);
    }
    store?.close();
    // Stopped while $EDITOR was open: all of the above is done, and the editor keeps the terminal until the user is
    // through; then the summary, and the edit (kept, not sent) is said.
    await tui?.finished.catch(() => {});
    stdout.flush();
  };

  let lastTakeOverError: string | undefined;
  /**
   * Before each reconnect to a shared embedded relay: if the hooktunnel that hosted it is gone, this one starts it on the
   * same port (same relay.db: same URLs, same queue). The bind decides between several; the losers just reconnect.
   */
  const takeOver = async (start: (port: number) => Promise<Relay | undefined>): Promise<string | undefined> => {
    if (!embedded || embedded.relay) return undefined;
    let relay: Relay | undefined;
    try {
      relay = await start(Number(new URL(embedded.url).port));
    } catch (error) {
      // Said once, not on every attempt.
      const message = `could not start the embedded relay here: ${(error as Error).message}`;
      if (message === lastTakeOverError) return undefined;
      return (lastTakeOverError = message);
    }
    if (!relay) return undefined;
    if (stopping) {
      await relay.close();
      return undefined;
    }
    lastTakeOverError = undefined;
    embedded = { url: embedded.url, relay, note: 'hosting the embedded relay now: the hooktunnel that hosted it stopped' };
    return `now hosting the embedded relay on ${embedded.url} (the hooktunnel that hosted it stopped)`;
  };

  try {
    // The relay's code is loaded only when this process runs one: with --relay it would be memory for nothing.
    const embeddedRelay = relayUrl ? undefined : await import('../../embedded-relay.js');
    if (embeddedRelay) embedded = await embeddedRelay.ensureEmbeddedRelay(parsePort(flags.embeddedPort, '--embedded-port', String(DEFAULT_EMBEDDED_PORT)));
    const tunnelRelay = relayUrl ?? embedded!.url;
    // On the embedded relay the URL repeats from run to run: hosting it, listen asks for the port (or the project) as its
    // name; sharing it (whose host may have changed since: a takeover), it comes back on that URL through the resume
    // token kept under the same key, and on a new one only when another listen holds it.
    const embeddedName = embedded ? (routes && project ? projectName(project.file) : String(target.port)) : undefined;
    const name = flags.name ?? (embedded?.relay ? embeddedName : undefined);
    const resumeFile = resumeFilePath();
    const resume = resumeKey(tunnelRelay, target.url, flags.name ?? embeddedName);
    session = new Session({
      target,
      routes,
      relayUrl: tunnelRelay,
      token: remote.token,
      name,
      resumeToken: loadResumeToken(resumeFile, resume),
      ack: delivery.ack,
      maxAttempts: delivery.maxAttempts,
      retryBaseMs: delivery.retryBaseMs,
      resignLate: delivery.resignLate,
      force: flags.force,
      timeoutMs,
      hostHeader,
      retry: flags.retry,
      store,
      secrets: loadSecrets(flags, process.env, project?.secrets),
      // Only the embedded relay is ours to bring back; a --relay or login relay is someone else's to restart.
      beforeReconnect: embeddedRelay && (() => (takingOver = takeOver(embeddedRelay.takeOverEmbeddedRelay))),
    });
    // Before the URL is shown: a listen killed right after printing it still comes back on it.
    keepResumeToken(session, resumeFile, resume);
    const secrets = session.options.secrets;
    if (store && flags.web) {
      inspector = await startInspector(session, store, { target, routes, routesFrom, timeoutMs, secrets, port: web }).catch((error: Error) => {
        // A port the user named is theirs to fix; anything else must not cost them the tunnel.
        if (error instanceof UserError) throw error;
        process.stderr.write(`web inspector not started: ${error.message}\n`);
        return undefined;
      });
    }
    const inspectorUrl = inspector?.url;
    if (store && shouldUseTui(flags)) {
      // Loaded only here, so plain runs and --help never import Ink or React.
      const { startListenTui } = await import('../../tui/start-listen-tui.js');
      // First in the note: the header line is cut at the terminal's width, and this is the part to copy.
      const note = inspectorUrl && `web inspector ${inspectorUrl}`;
      tui = await startListenTui({ session, store, target, routesFrom, timeoutMs, localOnly: embedded !== undefined, note, relayNote: () => embedded?.note });
    } else {
      session.on('status', (status) => reporter.status(status));
      session.on('exchange', (exchange) => {
        reporter.exchange(exchange);
        // Slack's URL check passes or fails on the answer's body: said in words on stderr, as trigger says it (with
        // --json too: warnings are words, the request event carries the exchange).
        const challenge = store ? recordedChallengeProblem(exchange, (id) => store.get(id)) : null;
        if (challenge) process.stderr.write(chalkStderr.yellow(`warning: #${exchange.id}: ${challenge}\n`));
      });
      session.on('storeError', (error) => reporter.storeError(error));
      session.on('dropped', (count) => reporter.dropped(count));
      session.on('storage', (state) => reporter.storage(state));
      session.on('notice', (message) => reporter.notice(message));
      session.on('ready', (welcome) =>
        reporter.ready({ url: welcome.url, target: target.url, inspector: inspectorUrl, dbPath, localOnly: embedded !== undefined, note: embedded?.note, routes, routesFrom }),
      );
      // Counted now: the worker starts on them before the relay answers.
      const pending = session.pendingAttempts();
      session.once('ready', () => reporter.pendingAttempts(pending));
    }
    if (store && delivery.keep !== undefined) keepRecent(session, store, delivery.keep);
    releaseMemoryWhenIdle();

    const finished = new Promise<void>((resolve, reject) => {
      const stop = () => resolve();
      const signalled = () => {
        // A signal lets what is under way finish (a script's `kill`, CI's cleanup); quitting the UI stops at once.
        graceful = true;
        resolve();
      };
      process.once('SIGINT', signalled);
      process.once('SIGTERM', signalled);
      tui?.done.then(stop, reject);
      session!.on('fatal', (error) => reject(relayUserError(error, tokenSource)));
    });
    const started = session.start().catch((error: Error) => {
      throw relayUserError(error, tokenSource);
    });
    // Quitting (or a signal) while the relay is still being reached must not wait for it.
    await Promise.race([started, finished]);
    await finished;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await shutdown();
  }
  if (lost) throw lost;
}

/**
 * The first SIGTERM or SIGINT: the live exchanges the app already has are answered (the app's answer to their senders)
 * and recorded before listen exits, and the embedded relay hosted here drains. What arrives meanwhile is not given to
 * the app (Session.drain hands it back to the relay, which queues it, 202, for the next listen), so steady traffic
 * cannot keep the stop going. Each is bounded by --timeout (the relay gives up on an app slower than that); a second
 * signal stops at once, cutting them as a stop always did (the relay answers their senders 202 and sends them again to
 * the next listen).
 */
async function drain(session: Session, relay: Relay | undefined, reporter: ListenReporter): Promise<void> {
  const count = session.inFlight;
  // A notice: a note on stderr, or under --json an event a script can read.
  if (count > 0) reporter.notice(`stopping: waiting for ${count} request${count === 1 ? '' : 's'} in flight to be answered (signal again to stop now)`);
  let stopNow!: () => void;
  const again = new Promise<void>((resolve) => (stopNow = resolve));
  process.once('SIGINT', stopNow);
  process.once('SIGTERM', stopNow);
  try {
    await Promise.race([Promise.all([session.drain(), relay?.drain()]), again]);
  } finally {
    process.off('SIGINT', stopNow);
    process.off('SIGTERM', stopNow);
  }
}

/**
 * Said after `q` (or Ctrl-C in the live inspector) with requests under way: they are cut, recorded as a 502 for now,
 * and the relay's queue gives them to the next listen (the same rows then get their answer), which the app sees again.
 */
function cutInFlightNotice(count: number): string {
  const [requests, them, senders] = count === 1 ? ['1 request was', 'it', 'its sender'] : [`${count} requests were`, 'them', 'their senders'];
  return (
    `${requests} in flight when you quit, and cut: a relay that keeps a queue (the embedded one, \`hooktunnel relay\`) answers ` +
    `${senders} 202 and the next \`listen\` delivers ${them} again, to an app that may have had ${them} already ` +
    `(to let requests finish, stop listen with SIGTERM instead)`
  );
}

/** The web inspector over this session's store, fed by its events; loaded only when used. */
async function startInspector(
  session: Session,
  store: Store,
  options: { target: Target; routes?: Route[]; routesFrom?: string; timeoutMs: number; secrets: Secrets | undefined; port: { port: number; fallback: boolean } },
): Promise<Inspector> {
  const [{ Inspector }, { followSession }] = await Promise.all([import('../../web/server.js'), import('../../web/follow-session.js')]);
  const inspector = await Inspector.start({
    store,
    // With routes, each exchange goes back through the route that took it, not to one target.
    replayTo: options.routes ? undefined : options.target,
    timeoutMs: options.timeoutMs,
    secrets: options.secrets,
    resignLate: session.options.resignLate,
    info: { mode: 'listen', publicUrl: null, target: options.routes ? routesLabel(options.routes, options.routesFrom) : options.target.url, dbPath: store.path, connection: 'connecting' },
    ...options.port,
  });
  followSession(session, inspector);
  return inspector;
}

/** Where the token sent to the relay came from, so a refusal can say which one to fix. */
type TokenSource = 'flag' | 'login' | 'none';

function unauthorizedHint(token: TokenSource): string {
  const newOne = 'ask the relay\'s operator for a new one (`hooktunnel relay token create` on the relay)';
  if (token === 'login') {
    return `the relay does not accept the token \`hooktunnel login\` saved in ${configPath()} (mistyped, or revoked): ${newOne}, then run \`hooktunnel login <relay-url> --token <token>\` again`;
  }
  if (token === 'flag') return `the relay does not accept the token of --token / HOOKTUNNEL_TOKEN (or hooktunnel.yml's token): check it, or ${newOne}`;
  return `this relay needs a token: ${newOne.replace('a new one', 'one')}, then run \`hooktunnel login <relay-url> --token <token>\` (or pass --token)`;
}

/** The tunnel client's failure as the command's error: its words, a hint, and its code for --json. */
function relayUserError(error: Error, token: TokenSource): UserError {
  const code = error instanceof RelayFailure ? error.code : undefined;
  return new UserError(error.message, { hint: code && fatalHint(code, error.message, token), code });
}

/** What to do next, by why the relay could not be reached or kept; the words only tell apart refusals that share a code. */
function fatalHint(code: RelayFailureCode, message: string, token: TokenSource): string | undefined {
  const notARelay =
    '--relay (or HOOKTUNNEL_RELAY, or the relay saved by `hooktunnel login`) is the address of a `hooktunnel relay`, e.g. https://hooks.example.com; leave it out to use the embedded relay';
  switch (code) {
    case 'unauthorized':
      // A token revoked while its tunnel was open: the relay closes the tunnel with these words.
      if (/revoked on the relay/.test(message)) return 'the token was revoked; ask the relay\'s operator for a new one, then run `hooktunnel login <relay-url> --token <token>`';
      return unauthorizedHint(token);
    case 'relay_unreachable':
      // https:// to a plain port is an address that is not a relay's, not a relay that is down.
      if (/speak TLS/.test(message)) return notARelay;
      return 'is the relay running? check --relay / HOOKTUNNEL_RELAY and the relay saved by `hooktunnel login` (`hooktunnel logout` forgets it: listen then runs an embedded relay)';
    case 'not_a_relay':
      return notARelay;
    case 'name_taken':
      return 'pick another --name, or pass --force to take it over';
    case 'name_reserved':
      // A random id another listen was given, or a name another token owns.
      if (/another client's tunnel/.test(message)) {
        return 'the relay gave this URL to another `hooktunnel listen` (a random id); only that listen comes back on it, and --force does not take it: pick a --name of your own';
      }
      return 'another token owns this name on the relay; pick another --name';
    case 'queue_unavailable':
      return 'run listen without --ack (or ack routes), or use a relay started without --no-queue';
    case 'too_many_tunnels':
      return 'stop another `hooktunnel listen` that uses this token';
    case 'taken_over':
      return 'another `hooktunnel listen --force` took this name; this one stops instead of fighting over it';
    default:
      return undefined;
  }
}
