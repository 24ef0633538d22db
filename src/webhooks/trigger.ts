// `trigger`: builds a realistic, freshly signed sample delivery from a known sender, ready to send to the local app.

import { usageError } from '../errors.js';
import type { HeaderPairs } from '../exchange.js';
import { providerByName } from './detect.js';
import type { BuiltInProviderName } from './provider.js';
import { signWith } from './signing.js';
import { resolveSecrets, secretProvider, STANDARD_LABEL, type Secrets } from './secrets.js';
import { githubSender } from './senders/github.js';
import type { Sender } from './senders/sender.js';
import { shopifySender } from './senders/shopify.js';
import { slackSender } from './senders/slack.js';
import { stripeSender } from './senders/stripe.js';
import { svixSender } from './senders/svix.js';

const SENDERS: readonly Sender[] = [stripeSender, githubSender, shopifySender, slackSender, svixSender];

export interface TriggerOptions {
  secrets: Secrets;
  nowMs: number;
  /** Request path on the local app (default `/`); also picks a per-path secret. */
  path?: string;
  /** As an app's own webhook sends it (`trigger github push --app`: a GitHub App's, with its installation). */
  asApp?: boolean;
}

export interface TriggerRequest {
  method: 'POST';
  path: string;
  headers: HeaderPairs;
  body: Buffer;
  /** True when a secret was known and the request carries a valid signature; unsigned requests omit the header. */
  signed: boolean;
  /** The sender's provider, as the secrets name it. */
  provider: BuiltInProviderName;
}

/** Every event `trigger` can send, for help output: provider and the provider's own event name. */
export function listTriggerEvents(): { provider: BuiltInProviderName; event: string }[] {
  return SENDERS.flatMap((sender) => Object.keys(sender.events).map((event) => ({ provider: sender.provider, event })));
}

/** Where the event is named in a header, the replay must rename it there too: `--set-header 'X-Shopify-Topic: …'`. */
function renameHint(sender: Sender, event: string): string {
  return sender.eventHeader ? ` with --set-header '${sender.eventHeader(event)}'` : '';
}

function senderFor(provider: string, event: string): Sender {
  // Named as --secret names it: `svix` (Clerk, Resend) is the standard provider.
  const named = secretProvider(provider) ?? provider.toLowerCase();
  const sender = SENDERS.find((candidate) => candidate.provider === named);
  if (!sender) {
    const known = SENDERS.map((s) => (s.provider === 'standard' ? STANDARD_LABEL : s.provider)).join(', ');
    throw usageError(`no sample events for provider "${provider}"`, `choose one of ${known}`);
  }
  if (!Object.hasOwn(sender.events, event)) {
    throw usageError(
      `${sender.provider} has no sample event "${event}"`,
      // Only a few events have samples; any other is a body away (the provider's docs have each event's JSON).
      `choose one of ${Object.keys(sender.events).join(', ')}; for another event, trigger one of these, then \`hooktunnel replay <id> --body-file event.json\` sends your JSON, signed afresh${renameHint(sender, event)}`,
    );
  }
  return sender;
}

/**
 * The request `provider` would send for `event` (e.g. `buildTriggerRequest('stripe', 'invoice.paid', ...)`), with
 * the sender's real headers, fresh ids and timestamps, signed with the secret for that provider and path if known.
 * Throws a usage error naming the unknown provider or event and listing the choices.
 */
export function buildTriggerRequest(provider: string, event: string, options: TriggerOptions): TriggerRequest {
  const sender = senderFor(provider, event);
  if (options.asApp && !sender.appWebhooks) {
    throw usageError(`--app is for GitHub Apps' webhooks; ${sender.provider} samples are sent as ${sender.provider} sends them`, `leave out --app`);
  }
  const path = options.path ?? '/';
  const request = sender.build(event, sender.events[event], options.nowMs, options.asApp);
  const signer = providerByName(sender.provider);
  const secrets = resolveSecrets(options.secrets, sender.provider, path);
  if (secrets.length === 0) {
    const unsigned = new Set(request.signatureHeaders.map((name) => name.toLowerCase()));
    const headers = request.headers.filter(([name]) => !unsigned.has(name.toLowerCase()));
    return { method: 'POST', path, headers, body: request.body, signed: false, provider: sender.provider };
  }
  const unsigned = { headers: request.headers, body: request.body, url: null };
  // Several secrets (a rotation, or the dashboard's and `stripe listen`'s): where the header holds a list, sign with
  // each, as Stripe and Svix do while a secret is rolled, so the app accepts the sample whichever it checks with.
  const headers = signWith(signer, unsigned, secrets, options.nowMs);
  return { method: 'POST', path, headers, body: request.body, signed: true, provider: sender.provider };
}
