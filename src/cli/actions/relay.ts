// Runs `hooktunnel relay` until SIGINT or SIGTERM.

import { createRelay } from '../../../relay-server/relay.js';
import type { RelayLimits } from '../../../relay-server/options.js';
import { parseBytes, parseDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import type { RelayFlags } from '../commands/relay.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port "${value}" is not a port number (0-65535)`);
  return port;
}

function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${flag} "${value}" must be a whole number of at least 1`);
  return n;
}

export function relayLimits(flags: RelayFlags): Partial<RelayLimits> {
  return {
    maxBodyBytes: parseBytes(flags.maxBody, '--max-body'),
    maxInFlightPerTunnel: parseCount(flags.maxInFlight, '--max-in-flight'),
    handshakeTimeoutMs: parseDuration(flags.handshakeTimeout, '--handshake-timeout'),
    heartbeatIntervalMs: parseDuration(flags.heartbeatInterval, '--heartbeat-interval'),
    heartbeatTimeoutMs: parseDuration(flags.heartbeatTimeout, '--heartbeat-timeout'),
    headersTimeoutMs: parseDuration(flags.headersTimeout, '--headers-timeout'),
    requestTimeoutMs: parseDuration(flags.requestTimeout, '--request-timeout'),
    resumeTtlMs: parseDuration(flags.resumeTtl, '--resume-ttl'),
  };
}

export async function runRelay(flags: RelayFlags): Promise<void> {
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const relay = createRelay({
    port: parsePort(flags.port),
    host: flags.host,
    publicUrl: flags.publicUrl,
    domain: flags.domain,
    trustProxy: flags.trustProxy?.split(',').map((s) => s.trim()).filter(Boolean),
    limits: relayLimits(flags),
    log,
  });
  let url: string;
  try {
    url = await relay.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${flags.port} on ${flags.host} is already in use`, { hint: 'pick another --port' });
    if (code === 'EACCES') throw new UserError(`not allowed to listen on port ${flags.port}`, { hint: 'use a port above 1023, behind Caddy or nginx' });
    throw error;
  }
  process.stdout.write(`hooktunnel relay listening on ${url}${flags.publicUrl ? ` (public URL ${flags.publicUrl})` : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await relay.close();
}
