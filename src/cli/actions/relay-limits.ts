// Turns `relay` flags into RelayLimits, naming the flag and value in any error.

import type { QueueSettings } from '../../../relay-server/delivery-queue.js';
import type { RelayLimits } from '../../../relay-server/options.js';
import { parseBytes, parseDuration } from '../../duration.js';
import { usageError } from '../../errors.js';
import type { RelayFlags } from './relay-options.js';


function parseCount(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} "${value}" must be a whole number of at least ${min}`);
  return n;
}

// A frame carries a body chunk plus the response head's meta; below this, real clients would be cut off.
const MIN_FRAME_BYTES = 1024 * 1024;

export function relayLimits(flags: RelayFlags): Partial<RelayLimits> {
  const maxPayloadBytes = parseBytes(flags.maxFrame, '--max-frame');
  if (maxPayloadBytes < MIN_FRAME_BYTES) throw usageError(`--max-frame "${flags.maxFrame}" is below the 1mb a client may need for one chunk and its headers`);
  return {
    maxPayloadBytes,
    maxBodyBytes: parseBytes(flags.maxBody, '--max-body'),
    maxHeaderBytes: parseBytes(flags.maxHeaderSize, '--max-header-size'),
    maxHeaderCount: parseCount(flags.maxHeaders, '--max-headers'),
    maxUrlBytes: parseBytes(flags.maxUrl, '--max-url'),
    maxInFlightPerTunnel: parseCount(flags.maxInFlight, '--max-in-flight'),
    ratePerSecond: parseCount(flags.rateLimit, '--rate-limit', 0),
    rateBurst: parseCount(flags.rateBurst, '--rate-burst'),
    maxTunnelsPerToken: parseCount(flags.maxTunnelsPerToken, '--max-tunnels-per-token'),
    maxAuthFailures: parseCount(flags.authFailures, '--auth-failures'),
    authWindowMs: parseDuration(flags.authWindow, '--auth-window'),
    maxPendingPerIp: parseCount(flags.maxPendingPerIp, '--max-pending-per-ip'),
    handshakeTimeoutMs: parseDuration(flags.handshakeTimeout, '--handshake-timeout'),
    heartbeatIntervalMs: parseDuration(flags.heartbeatInterval, '--heartbeat-interval'),
    heartbeatTimeoutMs: parseDuration(flags.heartbeatTimeout, '--heartbeat-timeout'),
    headersTimeoutMs: parseDuration(flags.headersTimeout, '--headers-timeout'),
    requestTimeoutMs: parseDuration(flags.requestTimeout, '--request-timeout'),
    resumeTtlMs: parseDuration(flags.resumeTtl, '--resume-ttl'),
    drainTimeoutMs: parseDuration(flags.drainTimeout, '--drain-timeout'),
    slowReaderTimeoutMs: parseDuration(flags.slowReaderTimeout, '--slow-reader-timeout'),
  };
}

/** The queue's limits and answer, from `relay` flags. */
export function queueSettings(flags: RelayFlags): Partial<QueueSettings> {
  const status = parseCount(flags.queueStatus, '--queue-status', 200);
  if (status > 299) throw usageError(`--queue-status "${flags.queueStatus}" must be a 2xx status: the sender is told its request was taken`);
  return {
    maxCount: parseCount(flags.queueMax, '--queue-max'),
    maxBytes: parseBytes(flags.queueMaxBytes, '--queue-max-bytes'),
    ttlMs: parseDuration(flags.queueTtl, '--queue-ttl'),
    status,
    body: flags.queueBody,
  };
}
