// ioredis, loaded the first time a cluster node or `relay name --redis` needs it. The relay's module graph reaches the
// cluster code, and `listen` reaches the relay (its embedded one): a static import made every `listen` and every
// single relay load ioredis too (about 8 MiB of RSS for code they never run).

import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

const require = createRequire(import.meta.url);

export const loadRedis = (): typeof Redis => (require('ioredis') as typeof import('ioredis')).Redis;

/** The Redis URL as logs and errors show it: a password in it (`redis://:secret@host`) is replaced by `***`. */
export function shownRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * A failed command's reason as operators and clients read it: ioredis says "Stream isn't writeable and
 * enableOfflineQueue options is false" or "Connection is closed." when Redis is simply not connected.
 */
export function redisReason(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return /Stream isn't writeable|enableOfflineQueue|^Connection is closed/.test(message) ? 'Redis is not connected' : message;
}

/**
 * Redis answered, but refused this client for good: a wrong or missing password (user), or a database number it does
 * not have. Retrying cannot help, so a node starting with it stops with this error instead of serving degraded.
 */
export class RedisRefused extends Error {}

/** A reply (not a network failure) that says the URL's credentials or database are wrong. */
export function refusalOf(error: Error | undefined): string | undefined {
  const message = error?.message ?? '';
  if (/^(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|without any password configured|invalid username-password/i.test(message)) {
    return `refused the credentials in the URL (${message})`;
  }
  if (/DB index is out of range/i.test(message)) return `has no such database (${message})`;
  return undefined;
}

/**
 * How an ioredis connect() went, told by the 'error' event it raised (its rejection only says "Connection is
 * closed."): a RedisRefused, an Error with the network's reason, or undefined when connected. A missing database is
 * a refusal even though connect() resolves (ioredis goes on in database 0).
 */
export async function connectOutcome(connecting: Promise<unknown>, lastError: () => Error | undefined): Promise<Error | undefined> {
  let thrown: Error | undefined;
  try {
    await connecting;
  } catch (error) {
    thrown = error as Error;
  }
  const reason = lastError() ?? thrown;
  const refused = refusalOf(reason);
  if (refused) return new RedisRefused(refused);
  return thrown ? new Error((reason ?? thrown).message) : undefined;
}
