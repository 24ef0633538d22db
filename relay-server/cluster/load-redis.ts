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
