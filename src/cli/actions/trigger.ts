// Runs `trigger`: builds the sample request, forwards it like any exchange, records it, prints the outcome.

import { chalkStderr } from 'chalk';
import { parseDuration } from '../../duration.js';
import { usageError } from '../../errors.js';
import { exchangeToJson } from '../../exchange.js';
import { runExchange } from '../../exchange-runner.js';
import { Forwarder } from '../../forward/forwarder.js';
import { parseTarget } from '../../forward/target.js';
import { logLine } from '../../output/exchange-text.js';
import { buildTriggerRequest, listTriggerEvents } from '../../webhooks/trigger.js';
import { missingSecretHint, missingSecretReason } from '../../webhooks/missing-secret.js';
import { recordedChallengeProblem } from '../../webhooks/slack-challenge.js';
import type { BuiltInProviderName } from '../../webhooks/provider.js';
import type { Secrets } from '../../webhooks/secrets.js';
import type { SecretFlags } from '../secret-options.js';
import { loadSecretsHere } from '../project-secrets.js';
import { reportUnwritten } from '../unwritten.js';
import { deliveryFailure } from '../../delivery/delivery-failure.js';
import { writeDeliveryFailureJson } from '../delivery-failure-json.js';
import { jsonText } from '../../output/json-text.js';
import { openStore } from '../open-store.js';
import { chooseDb } from '../project-db.js';
import { readProjectHere } from '../project-here.js';
import { triggerThroughRoute } from '../trigger-route.js';

/** The flags of `hooktunnel trigger` as its command parses them (the command imports this type; never the reverse). */
export interface TriggerFlags extends SecretFlags {
  /** Unset (neither the flag nor HOOKTUNNEL_TO): hooktunnel.yml's routes choose the app, else port 3000. */
  to?: string;
  path: string;
  db?: string;
  json?: boolean;
  timeout: string;
  list?: boolean;
  /** As a GitHub App's webhook sends it. */
  app?: boolean;
}

/**
 * The request path, as sent and as recorded (the same string): a leading / added if missing. Spaces, control
 * characters and anything beyond ASCII cannot go in a request line, so they are refused rather than mangled.
 */
export function triggerPath(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw usageError(`--path "${value}" is a URL, not a path`, 'give the host with --to and the path with --path, e.g. --to http://127.0.0.1:3000 --path /webhooks');
  }
  const bad = /[^\x21-\x7e]/.exec(value);
  if (bad) {
    const what = bad[0] === ' ' ? 'a space' : bad[0].charCodeAt(0) < 0x21 || bad[0] === '\x7f' ? `a control character (${bad[0]})` : `"${bad[0]}"`;
    throw usageError(`--path "${value}" contains ${what}, which a request path cannot hold`, 'percent-encode it, e.g. %20 for a space');
  }
  return value.startsWith('/') ? value : `/${value}`;
}

/** Why the sample goes unsigned, and how to give the secret: none for the provider, or one only for other paths. */
function unsignedWarning(secrets: Secrets, provider: BuiltInProviderName, path: string): string {
  const reason = missingSecretReason(secrets, provider, path);
  return `${reason}; sending unsigned (${missingSecretHint(reason)})`;
}

/** Where a sample goes without --to, HOOKTUNNEL_TO or a route: the port most local web apps start on. */
const DEFAULT_TO = '3000';

export async function trigger(provider: string | undefined, event: string | undefined, flags: TriggerFlags): Promise<void> {
  if (flags.list || !provider) {
    // With --json, stdout is JSON whatever else is asked (a script reading `trigger --list --json` gets the list).
    if (flags.json) process.stdout.write(`${jsonText(listTriggerEvents())}\n`);
    else process.stdout.write(`Sample events:\n${listTriggerEvents().map((e) => `  ${e.provider.padEnd(8)} ${e.event}`).join('\n')}\n`);
    return;
  }
  if (!event) throw usageError(`which ${provider} event?`, `run \`hooktunnel trigger --list\` to see them`);
  const path = triggerPath(flags.path);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  // Checked before anything is sent or recorded: a --to that is no target, a --path no route takes.
  const target = flags.to === undefined ? undefined : parseTarget(flags.to, '--to');
  // hooktunnel.yml read once, for its routes, secrets and db alike.
  const project = await readProjectHere();
  const route = target ? undefined : triggerThroughRoute(path, project);
  const secrets = await loadSecretsHere(flags, process.env, project);
  const request = buildTriggerRequest(provider, event, { secrets, nowMs: Date.now(), path, asApp: flags.app });
  if (!request.signed) process.stderr.write(chalkStderr.yellow(`warning: ${unsignedWarning(secrets, request.provider, path)}\n`));

  const store = openStore((await chooseDb(flags.db, process.env, project)).path);
  const forwarder = route ? route.forwarder(timeoutMs) : new Forwarder(target ?? parseTarget(DEFAULT_TO, '--to'), { timeoutMs, hostHeader: 'rewrite' });
  try {
    const running = runExchange(
      { ...request, deliveryId: null, url: null, receivedAt: Date.now(), replayOf: null },
      { forwarder, store, secrets, onStoreError: (error) => process.stderr.write(`warning: not recorded: ${error.message}\n`) },
    );
    const result = await running.done;
    process.stdout.write(flags.json ? `${jsonText(exchangeToJson(result))}\n` : `${logLine(result)}\n`);
    // Slack's URL check: an app that answers 200 without the challenge fails it, whatever the status says.
    const challenge = recordedChallengeProblem(result, (id) => store.get(id));
    if (challenge) process.stderr.write(chalkStderr.yellow(`warning: #${result.id}: ${challenge}\n`));
    // Not delivered: with --json an error on stderr too, as `replay` reports one.
    const failure = deliveryFailure(result);
    if (failure && flags.json) writeDeliveryFailureJson(failure, { id: result.id });
    if (failure) process.exitCode = 1;
    reportUnwritten(store, 'the exchange', flags.json);
  } finally {
    forwarder.close();
    store.close();
  }
}
