// Runs `hooktunnel relay`: opens its state, decides who may connect, serves until SIGTERM/SIGINT (a second one stops at once).

import { isIP, isIPv4, isIPv6 } from 'node:net';
import { RedisRefused } from '../../../relay-server/cluster/load-redis.js';
import { RELAY_OWN_SEGMENTS } from '../../../relay-server/addressing.js';
import { createRelay } from '../../../relay-server/relay.js';
import { holdYoungGeneration } from '../../../relay-server/young-generation.js';
import { UserError, usageError } from '../../errors.js';
import { sanitize } from '../../sanitize.js';
import { releaseMemoryWhenIdle } from '../../idle-memory.js';
import { parseTokenList, relayAuthStore, watchTokenFile } from '../../relay-state/auth-store.js';
import { defaultRelayDataDir, RelayDb } from '../../relay-state/relay-db.js';
import { lockDataDir, type DataDirLock } from '../../relay-state/data-dir-lock.js';
import type { RelayFlags } from './relay-options.js';
import { clusterOptions, nodeOnlyTokensWarning } from './relay-cluster.js';
import { systemdSocket } from './systemd-socket.js';
import { parsePort } from '../port.js';
import { queueSettings, relayLimits } from './relay-limits.js';

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIPv4(bare)) return bare.startsWith('127.');
  return isIPv6(bare) && (bare === '::1' || bare.startsWith('::ffff:127.'));
}

/**
 * Why other machines can reach this relay, if they can: a non-loopback --host, or a loopback one behind a proxy
 * (--public-url, --domain or --trust-proxy say so). Such a relay needs a token unless --allow-anonymous.
 */
function exposedBy(flags: RelayFlags, socketActivated: boolean): string | undefined {
  // The address is the .socket unit's, which this process cannot vouch for.
  if (socketActivated) return 'serve on the socket systemd passed (LISTEN_FDS)';
  if (!isLoopback(flags.host)) return `listen on ${flags.host}`;
  if (flags.publicUrl) return `serve ${flags.publicUrl}`;
  if (flags.domain) return `serve *.${flags.domain}`;
  if (flags.trustProxy) return 'serve behind a proxy (--trust-proxy)';
  return undefined;
}

/**
 * --public-url, --domain and --trust-proxy as the relay uses them, or a usage error: a value it would take as it is but
 * never match (a proxy named "localhost") or turn into URLs no sender can use ("hooks.example.com/t/<id>").
 */
function checkPublicAddress(flags: RelayFlags): void {
  if (flags.publicUrl !== undefined) checkPublicUrl(flags.publicUrl, flags.domain);
  // Matched against the Host of each request without its port, so a scheme, a path or a port would never match.
  if (flags.domain !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(flags.domain)) {
    throw usageError(`--domain "${flags.domain}" must be a host name, without scheme, port or path`, 'for example --domain hooks.example.com (tunnels at https://<id>.hooks.example.com)');
  }
  // Compared with the address each connection comes from: a host name or a range would never match.
  const notIp = trustedProxies(flags)?.find((address) => isIP(address) === 0);
  if (notIp !== undefined) {
    throw usageError(`--trust-proxy "${flags.trustProxy}": "${notIp}" is not an IP address`, 'list the proxy\'s own addresses as the relay sees them, for example --trust-proxy 127.0.0.1 or 127.0.0.1,::1');
  }
}

/** --trust-proxy's comma-separated addresses. */
const trustedProxies = (flags: RelayFlags) => flags.trustProxy?.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * A path in --public-url serves the relay under it, as behind a proxy at a sub-path. Refused: a query or fragment (the
 * tunnel URLs are built by appending to it), a path with --domain (whose tunnels sit at the root of their own host),
 * and a path the relay answers itself once a proxy strips it (/t/<id>, /healthz...), which it could not tell apart.
 */
function checkPublicUrl(publicUrl: string, domain: string | undefined): void {
  const example = 'for example --public-url https://hooks.example.com, or https://example.com/hooks behind a proxy at that path';
  const url = URL.canParse(publicUrl) ? new URL(publicUrl) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw usageError(`--public-url "${publicUrl}" must be an http:// or https:// URL`, example);
  if (/[?#]/.test(publicUrl)) {
    throw usageError(`--public-url "${publicUrl}" must not have a query or fragment: tunnel URLs are built by adding /t/<id> to it`, example);
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') return;
  if (domain !== undefined) {
    throw usageError(`--public-url "${publicUrl}" has a path, but --domain puts every tunnel at the root of its own host (https://<id>.${domain}/)`, 'leave the path out of --public-url, or leave --domain out for tunnels at <public-url>/t/<id>');
  }
  const first = path.split('/')[1];
  if (RELAY_OWN_SEGMENTS.includes(first)) {
    throw usageError(`--public-url "${publicUrl}" puts the relay under /${first}, a path it answers itself (${RELAY_OWN_SEGMENTS.map((s) => `/${s}`).join(', ')})`, 'serve it under another path, for example https://example.com/hooks');
  }
}

export async function runRelay(flags: RelayFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  holdYoungGeneration();
  releaseMemoryWhenIdle();
  // Log lines quote what clients and senders sent (the Host of a tunnel's upgrade is in its URL): escaped for the terminal.
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`${new Date().toISOString()} ${sanitize(line)}\n`);
  const limits = relayLimits(flags);
  const queue = flags.queue ? queueSettings(flags) : undefined;
  const port = parsePort(flags.port, '--port', '8080');
  const adminPort = flags.adminPort === undefined ? undefined : parsePort(flags.adminPort, '--admin-port', '9090');
  const cluster = clusterOptions(flags);
  checkPublicAddress(flags);
  const listenFd = systemdSocket(env);
  const envTokens = parseTokenList(env.HOOKTUNNEL_RELAY_TOKENS);
  const fileTokens = flags.tokenFile ? watchTokenFile(flags.tokenFile) : undefined;
  const dataDir = flags.dataDir ?? defaultRelayDataDir(env);
  const db = RelayDb.open(dataDir);
  // A cluster node keeps its queue and resume tokens in Redis, so nodes on one host may share a data dir (its tokens).
  let lock: DataDirLock | undefined;
  try {
    lock = cluster ? undefined : lockDataDir(dataDir);
    const auth = relayAuthStore({ db, envTokens, fileTokens });
    const tokenCount = auth.tokens().length;
    const exposure = exposedBy(flags, listenFd !== undefined);
    if (tokenCount === 0 && exposure && !flags.allowAnonymous) {
      throw usageError(
        `refusing to ${exposure} without a token: anyone could open tunnels on this relay`,
        'create one with `hooktunnel relay token create --name laptop` (or use --token-file / HOOKTUNNEL_RELAY_TOKENS), or pass --allow-anonymous on a network you trust',
      );
    }
    const relay = createRelay({
      port,
      host: flags.host,
      listenFd,
      publicUrl: flags.publicUrl,
      domain: flags.domain,
      trustProxy: trustedProxies(flags),
      limits,
      auth,
      // A cluster node keeps its queue and resume tokens in Redis, shared with the other nodes.
      queue: queue && !cluster ? db.deliveryQueue() : undefined,
      queueSettings: queue,
      resume: cluster ? undefined : db.resumeStore(),
      cluster,
      // A relay others can reach never falls back to anonymous, even if every token is revoked later.
      requireToken: exposure !== undefined && !flags.allowAnonymous,
      adminPort,
      adminHost: flags.adminHost,
      log,
    });
    const url = await startOrExplain(relay.start(), flags);
    const access = tokenCount > 0 ? `${tokenCount} token${tokenCount === 1 ? '' : 's'} accepted` : 'anonymous: no token needed, names are first-come';
    const from = listenFd === undefined ? '' : ' (the socket systemd passed)';
    process.stdout.write(`hooktunnel relay listening on ${url}${from}${flags.publicUrl ? ` (public URL ${flags.publicUrl})` : ''}\n`);
    process.stdout.write(`${access}; state in ${db.path}\n`);
    if (cluster) process.stdout.write(`cluster node ${cluster.nodeUrl}; tunnels, names, resume tokens and the queue in Redis\n`);
    const stored = db.tokenDigests().length;
    if (cluster && stored > 0) process.stderr.write(nodeOnlyTokensWarning(`${stored} token${stored === 1 ? '' : 's'} stored in ${db.path} (relay token create) ${stored === 1 ? 'is' : 'are'}`));
    if (relay.adminPort !== undefined) process.stdout.write(`admin (/healthz, /metrics) on http://${flags.adminHost}:${relay.adminPort}\n`);
    await untilStopped(relay, log);
  } finally {
    db.close();
    lock?.release();
  }
}

async function startOrExplain(starting: Promise<string>, flags: RelayFlags): Promise<string> {
  try {
    return await starting;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${flags.port} (or --admin-port) on ${flags.host} is already in use`, { hint: 'pick another --port' });
    if (error instanceof RedisRefused) throw new UserError(error.message, { hint: 'check the password (user) and database number in --redis (HOOKTUNNEL_REDIS): the same URL every node uses' });
    if ((error as Error).message.startsWith('could not reach Redis')) throw new UserError((error as Error).message, { hint: 'start Redis, or check --redis (HOOKTUNNEL_REDIS)' });
    if (code === 'EACCES') throw new UserError(`not allowed to listen on port ${flags.port}`, { hint: 'use a port above 1023, behind Caddy or nginx' });
    throw error;
  }
}

/** First SIGTERM/SIGINT drains; a second one stops at once. */
function untilStopped(relay: ReturnType<typeof createRelay>, log: ((line: string) => void) | undefined): Promise<void> {
  return new Promise((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals === 1) {
        log?.(`${signal}: draining (in-flight requests may finish, new ones are queued, or get 503 without a queue); send it again to stop at once`);
        void relay.drain().then(done);
      } else {
        log?.(`${signal} again: stopping now`);
        void relay.close().then(done);
      }
    };
    const done = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
