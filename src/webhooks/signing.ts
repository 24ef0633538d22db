// Crypto and verdict helpers shared by the provider modules: HMAC, constant-time comparison, timestamp windows.

import { createHmac, timingSafeEqual, type BinaryLike, type BinaryToTextEncoding } from 'node:crypto';
import type { HeaderPairs, VerificationProblem } from '../exchange.js';
import type { Provider, ProviderName, Verification, WebhookInput } from './provider.js';

/** The reason shown for every signature mismatch: the two causes a user can act on. */
export const MISMATCH = 'signature does not match (wrong secret or body modified)';

/** HMAC of the parts fed in order, so a body Buffer is hashed as raw bytes and never decoded. */
export function hmac(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  key: BinaryLike,
  parts: (string | Buffer)[],
  encoding: BinaryToTextEncoding,
): string {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
}

/** Constant-time string comparison; a length mismatch is simply false (timingSafeEqual would throw). */
export function safeEqual(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses a header holding Unix seconds; null unless it is a plain non-negative integer. */
export function parseUnixSeconds(value: string): number | null {
  return /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Epoch ms from an optional header of Unix seconds, for describe(); null when absent or not a number. */
export function secondsHeaderToMs(value: string | undefined): number | null {
  const seconds = value === undefined ? null : parseUnixSeconds(value);
  return seconds === null ? null : seconds * 1000;
}

/**
 * The verdict on a matching signature's timestamp: valid inside the window, else invalid with problem too_old or
 * too_new. The age is whole seconds as Stripe counts it, and a timestamp exactly `toleranceSec` old still passes.
 * Future timestamps are bounded too (clock skew), unless `future` is 'accepted': Stripe's libraries check only the
 * age, so a verdict stricter than the app's would mislead.
 */
export function ageVerdict(
  provider: ProviderName,
  timestampSec: number,
  nowMs: number,
  toleranceSec: number,
  future: 'refused' | 'accepted' = 'refused',
): Verification {
  const age = Math.floor(nowMs / 1000) - timestampSec;
  if (age > toleranceSec) return invalid(provider, `timestamp ${age} s old, outside the ${toleranceSec} s tolerance`, 'too_old');
  if (future === 'refused' && -age > toleranceSec) {
    return invalid(provider, `timestamp ${-age} s in the future, outside the ${toleranceSec} s tolerance`, 'too_new');
  }
  return valid(provider);
}

/** Is this a signature that only its timestamp's age fails, so that signing afresh would make it acceptable again? */
export function isPastWindow(problem: VerificationProblem | null | undefined): boolean {
  return problem === 'too_old' || problem === 'too_new';
}

export function valid(provider: ProviderName): Verification {
  return { provider, result: 'valid', reason: null };
}

export function invalid(provider: ProviderName, reason: string, problem?: VerificationProblem): Verification {
  return problem ? { provider, result: 'invalid', reason, problem } : { provider, result: 'invalid', reason };
}

export function unchecked(provider: ProviderName | null, reason: string): Verification {
  return { provider, result: 'unchecked', reason };
}

export function missingHeader(provider: ProviderName, header: string): Verification {
  return invalid(provider, `missing header ${header}`);
}

export function malformedHeader(provider: ProviderName, header: string, expected: string): Verification {
  return invalid(provider, `malformed header ${header} (expected ${expected})`);
}

/**
 * Signs with every secret where the provider's header holds a list (signMany: Stripe, Standard Webhooks), else with the
 * first: as a sender rolling its secret signs, so the app accepts the delivery whichever secret it checks with.
 */
export function signWith(provider: Provider, input: WebhookInput, secrets: readonly string[], nowMs: number): HeaderPairs {
  return provider.signMany ? provider.signMany(input, secrets, nowMs) : provider.sign(input, secrets[0], nowMs);
}
