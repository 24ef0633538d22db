// Tunnel-client tokens: SHA-256 digests compared in constant time, and the store the relay reads them from.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenRecord {
  /** SHA-256 of the token; the relay never needs the token itself. */
  digest: Buffer;
  /** Shown in logs: the token's name, or where it was configured. */
  label: string;
}

/**
 * Where tokens and reserved names live (the relay's SQLite state in production, memory in tests).
 * The relay reads tokens() on every upgrade and on a timer, so a revocation applies without a restart.
 */
export interface RelayAuthStore {
  tokens(): TokenRecord[];
  /** Hex digest of the token that owns a reserved name. */
  nameOwner(name: string): string | undefined;
  /** Binds a name to a token until it is released. */
  reserveName(name: string, ownerDigestHex: string): void;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A new token: 256 random bits (DEFAULTS.md asks ≥ 128). The prefix lets secret scanners recognise a leaked one. */
export function newToken(): string {
  return `htr_${randomBytes(32).toString('base64url')}`;
}

/**
 * The record of a presented token, if any. Digests are compared with timingSafeEqual and every record is
 * visited, so the time taken says nothing about how close a guess was or which token matched.
 */
export function matchToken(presented: string, records: TokenRecord[]): TokenRecord | undefined {
  const digest = tokenDigest(presented);
  let found: TokenRecord | undefined;
  for (const record of records) {
    const equal = record.digest.length === digest.length && timingSafeEqual(record.digest, digest);
    if (equal && !found) found = record;
  }
  return found;
}

/** The token in an upgrade's `Authorization: Bearer <token>` header (RFC 6750 §2.1). */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
}

/** Tokens held in memory, names reserved for the life of the process; `revoke` as `relay token revoke` would. */
export function memoryAuthStore(tokens: string[]): RelayAuthStore & { add(token: string): void; revoke(token: string): void } {
  const records = new Map(tokens.map((token, i) => [token, { digest: tokenDigest(token), label: `token ${i + 1}` }]));
  const names = new Map<string, string>();
  return {
    tokens: () => [...records.values()],
    nameOwner: (name) => names.get(name),
    reserveName: (name, owner) => void names.set(name, owner),
    add: (token) => void records.set(token, { digest: tokenDigest(token), label: `token ${records.size + 1}` }),
    revoke: (token) => void records.delete(token),
  };
}
