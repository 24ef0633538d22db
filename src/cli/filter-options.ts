// The exchange filters shared by `ls` and `export`.

import { Option, type Command } from 'commander';
import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';
import type { ListOptions } from '../store/store.js';
import { RECORDED_PROVIDERS, recordedProvider } from '../webhooks/secrets.js';

export interface FilterFlags {
  provider?: string;
  event?: string;
  failed?: boolean;
  since?: string;
  path?: string;
}

export function withFilterOptions(command: Command): Command {
  return command
    .addOption(new Option('--provider <name>', 'only this provider, any case (stripe, github, shopify, slack, standard, twilio, hmac)'))
    .addOption(new Option('--event <type>', 'only this event type and those it begins (pull_request: pull_request.opened too), e.g. payment_intent.succeeded'))
    .option('--failed', 'only failures: no response, a 5xx, or an invalid signature')
    .option('--since <duration>', 'only the last <duration> (10m, 2h, 7d)')
    .option('--path <prefix>', 'only this path and those below it (/stripe: /stripe/x too, not /stripes)');
}

export function filterToList(flags: FilterFlags): Omit<ListOptions, 'limit'> {
  return {
    provider: parseProvider(flags.provider),
    eventType: flags.event,
    failed: flags.failed,
    since: flags.since ? Date.now() - parseDuration(flags.since, '--since') : undefined,
    pathPrefix: parsePathPrefix(flags.path),
  };
}

/**
 * `--provider GitHub` or `svix`: the name as recorded (lower case; svix is the standard provider). A name hooktunnel
 * never records would silently match nothing, so it is refused with the list.
 */
export function parseProvider(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = recordedProvider(value);
  if (name) return name;
  throw usageError(`--provider "${value}" is not a provider hooktunnel recognises, so nothing would match`, `one of ${RECORDED_PROVIDERS}`);
}

/** `--path /stripe`: recorded paths all start with /, so a prefix without one would silently match nothing. */
export function parsePathPrefix(value: string | undefined): string | undefined {
  if (value === undefined || value.startsWith('/')) return value;
  throw usageError(`--path "${value}" does not start with /, so no recorded path starts with it`, `for example --path /${value.replace(/^\/*/, '')}`);
}
