// Verifies and re-signs recorded deliveries: picks the provider and the secret, then lets the provider decide.

import { headerValue, type Exchange, type HeaderPairs } from '../exchange.js';
import { detectProvider } from './detect.js';
import { missingSecretReason } from './missing-secret.js';
import type { Provider, Verification, WebhookInput } from './provider.js';
import { createHmacProvider } from './providers/hmac.js';
import { repeatedHeaderVerdict } from './repeated-header.js';
import { resolveSecrets, type Secrets } from './secrets.js';
import { isPastWindow, signWith, unchecked } from './signing.js';

export interface VerifyOptions {
  /**
   * The exchange's path, which picks a per-path secret. Every caller passes it: the path of `input.url` (the fallback)
   * starts with /t/<id> on a path-style relay.
   */
  path?: string;
  /** Signed-timestamp window in seconds (default 300); Infinity re-checks an old recording on its signature alone. */
  toleranceSec?: number;
  /** The provider detectProvider already found for this input (null: none), so it is not looked for twice. */
  detected?: Provider | null;
}

/** The signed parts of a recorded exchange's request. */
export function webhookInputFromExchange(exchange: Exchange): WebhookInput {
  return { headers: exchange.requestHeaders, body: exchange.requestBody, url: exchange.url };
}

function requestPath(input: WebhookInput, path: string | undefined): string {
  if (path !== undefined) return path;
  try {
    return input.url === null ? '/' : new URL(input.url).pathname;
  } catch {
    return '/';
  }
}

/** One way to check a request: a provider and a secret for it. */
interface Key {
  provider: Provider;
  secret: string;
}

/**
 * Every key configured for this request, or why there is none. Usually one; several when the same provider and path
 * were given more than one secret, or several --verify specs name headers this request carries.
 */
function keysFor(input: WebhookInput, secrets: Secrets, options: VerifyOptions): Key[] | Verification {
  // A --verify spec is an explicit instruction, so its header wins over any built-in provider's fingerprint.
  const specs = secrets.hmac.filter((s) => headerValue(input.headers, s.header) !== undefined);
  if (specs.length > 0) return specs.map((spec) => ({ provider: createHmacProvider(spec), secret: spec.secret }));
  const provider = options.detected !== undefined ? options.detected : detectProvider(input);
  if (!provider) {
    const custom = secrets.hmac.map((s) => s.header).join(', ');
    return unchecked(null, `no known webhook provider recognised${custom ? `, and no ${custom} header` : ''}`);
  }
  // The path (a URL parse) only matters once there is a provider whose secret may be per path.
  const values = provider.name === 'hmac' ? [] : resolveSecrets(secrets, provider.name, requestPath(input, options.path));
  if (values.length === 0) return unchecked(provider.name, missingSecretReason(secrets, provider.name));
  return values.map((secret) => ({ provider, secret }));
}

/**
 * Whether the key a verdict was given for signed the delivery: valid, or refused for its timestamp's age alone. Every
 * provider checks the signature before the age (Provider.verify), so a wrong secret is a mismatch however old.
 */
function signedBy(verdict: Verification): boolean {
  return verdict.result === 'valid' || isPastWindow(verdict.problem);
}

/**
 * Checks a delivery's signature; 'unchecked' (with the reason) when no provider is recognised or no secret known,
 * invalid when a header the check reads came more than once (see repeatedHeaderVerdict).
 */
export function verifyWebhook(
  input: WebhookInput,
  secrets: Secrets,
  nowMs: number,
  options: VerifyOptions = {},
): Verification {
  const keys = keysFor(input, secrets, options);
  if (!Array.isArray(keys)) return keys;
  const repeated = repeatedHeaderVerdict(input.headers, [...new Set(keys.map((key) => key.provider))]);
  if (repeated) return repeated;
  // The verdict of the first key that signed it (so a stale delivery signed with the second secret is reported as
  // stale, not as a wrong secret), else the first key's, which says what is wrong: one HMAC per key at most.
  let first: Verification | undefined;
  for (const { provider, secret } of keys) {
    const verdict = provider.verify(input, secret, nowMs, options.toleranceSec);
    if (signedBy(verdict)) return verdict;
    first ??= verdict;
  }
  return first!;
}

export interface Resigned {
  headers: HeaderPairs;
  /** False when the headers are returned unchanged; `reason` then says why. */
  resigned: boolean;
  reason?: string;
}

/**
 * The headers to deliver a request with long after its sender signed it (a queued delivery after a laptop slept, a
 * retry): signed afresh when the signature was good on arrival and only its age would fail the app's check now, so
 * the webhook is not lost to the provider's 5-minute window. Undefined: deliver the recorded headers.
 */
export function resignIfStale(input: WebhookInput, secrets: Secrets, receivedAt: number, nowMs: number, path: string): HeaderPairs | undefined {
  const options = { path, detected: detectProvider(input) };
  // Now first: a delivery on time (or a scheme that signs no timestamp) stops after one check.
  if (verifyWebhook(input, secrets, nowMs, options).result === 'valid') return undefined;
  if (verifyWebhook(input, secrets, receivedAt, options).result !== 'valid') return undefined;
  const fresh = resignWebhook(input, secrets, nowMs, options);
  return fresh.resigned ? fresh.headers : undefined;
}

export interface ResignOptions extends VerifyOptions {
  /**
   * The delivery as its sender signed it, when `input` differs from it (a replay with an edited body): with several
   * secrets it tells which one to sign with, the one the sender used, which an edited body no longer can.
   */
  signedAs?: WebhookInput;
}

/**
 * Signs a delivery afresh for replay (new signature, and a timestamp from `nowMs` where the scheme signs one), so the
 * local app accepts it outside the original tolerance window. Headers keep their order, position and name casing.
 */
export function resignWebhook(
  input: WebhookInput,
  secrets: Secrets,
  nowMs: number,
  options: ResignOptions = {},
): Resigned {
  const keys = keysFor(input, secrets, options);
  if (!Array.isArray(keys)) return { headers: input.headers, resigned: false, reason: keys.reason ?? undefined };
  const signed = options.signedAs ?? input;
  // Every key that signed it, whatever the age (none: sign with the first, whose secret is all there is to go on).
  const signing = keys.length === 1 ? keys : keys.filter((key) => key.provider.verify(signed, key.secret, 0, Infinity).result === 'valid');
  const { provider, secret } = signing[0] ?? keys[0];
  // A sender rolling its secret signs with the old and the new one at once, and its app may check with either by now:
  // where the header has room for a list, the replay carries a signature for each secret that signed the original.
  const all = signing.filter((key) => key.provider === provider).map((key) => key.secret);
  try {
    return { headers: signWith(provider, input, all.length > 0 ? all : [secret], nowMs), resigned: true };
  } catch (error) {
    // Only an unusable secret or a Twilio URL unknown (or pinning another body) gets here: reasons, not crashes.
    return { headers: input.headers, resigned: false, reason: (error as Error).message };
  }
}
