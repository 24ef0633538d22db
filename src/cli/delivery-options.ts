// The "nothing lost" flags of listen: acknowledge mode, retries, and the automatic retention cap.

import { Option, type Command } from 'commander';
import { DEFAULT_MAX_ATTEMPTS, parseRetryBase } from '../delivery/retry-schedule.js';
import { usageError } from '../errors.js';
import { range } from '../number-range.js';
import type { AckSettings } from '../protocol.js';
import { repeatable } from './repeatable.js';

export interface DeliveryFlags {
  ack?: boolean;
  ackPath?: string[];
  ackStatus: string;
  ackBody: string;
  maxAttempts: string;
  retryBase: string;
  keep?: string;
  /** false: --no-resign-late. */
  resignLate?: boolean;
}

export interface DeliverySettings {
  ack: AckSettings | undefined;
  maxAttempts: number;
  retryBaseMs: number;
  /** Keep at most this many exchanges (oldest pruned as new ones arrive). */
  keep: number | undefined;
  /** Re-sign queued deliveries and retries whose signature has aged past its provider's window. */
  resignLate: boolean;
}

/** --no-resign-late, for listen and retry. */
export const noResignLateOption = () =>
  new Option(
    '--no-resign-late',
    "deliver a queued request or retry as its sender signed it even when the signature has aged past the provider's window (by default it is re-signed with your --secret, so your app's check accepts it)",
  ).env('HOOKTUNNEL_NO_RESIGN_LATE');


export function withDeliveryOptions(command: Command): Command {
  return command
    .addOption(new Option('--ack', 'acknowledge mode: the relay answers senders at once and the request is delivered afterwards, with retries').env('HOOKTUNNEL_ACK'))
    .addOption(new Option('--ack-path <prefix>', 'acknowledge only paths under this prefix (repeatable; the variable takes several, comma-separated)').argParser(repeatable).env('HOOKTUNNEL_ACK_PATH'))
    .addOption(new Option('--ack-status <n>', 'status senders get in acknowledge mode').default('200').env('HOOKTUNNEL_ACK_STATUS'))
    .addOption(new Option('--ack-body <text>', 'body senders get in acknowledge mode').default('{"received":true}').env('HOOKTUNNEL_ACK_BODY'))
    .addOption(new Option('--max-attempts <n>', 'attempts at a queued or acknowledged request while the local app is down or answers 5xx').default(String(DEFAULT_MAX_ATTEMPTS)).env('HOOKTUNNEL_MAX_ATTEMPTS'))
    .addOption(new Option('--retry-base <duration>', 'wait before the first retry; doubles each time (1s, 2s, 4s ..., at most 5m)').default('1s').env('HOOKTUNNEL_RETRY_BASE'))
    .addOption(new Option('--keep <n>', 'prune the oldest recorded exchanges down to this many, at start and after every 100 more').env('HOOKTUNNEL_KEEP'))
    .addOption(noResignLateOption());
}

function wholeNumber(value: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(`${flag} "${value}" must be a whole number ${range(min, max)}`);
  return n;
}

export function deliverySettings(flags: DeliveryFlags): DeliverySettings {
  const paths = (flags.ackPath ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  for (const path of paths) if (!path.startsWith('/')) throw usageError(`--ack-path "${path}" must start with /`, 'for example --ack-path /stripe');
  if (paths.length > 0 && !flags.ack) throw usageError('--ack-path needs --ack', 'for example --ack --ack-path /stripe');
  const retryBaseMs = parseRetryBase(flags.retryBase, '--retry-base');
  return {
    ack: flags.ack ? { paths, status: wholeNumber(flags.ackStatus, '--ack-status', 200, 299), body: flags.ackBody } : undefined,
    maxAttempts: wholeNumber(flags.maxAttempts, '--max-attempts', 1, 100),
    retryBaseMs,
    keep: flags.keep === undefined ? undefined : wholeNumber(flags.keep, '--keep', 1),
    resignLate: flags.resignLate !== false,
  };
}
