// The relay's token store as the relay sees it: tokens from --token-file, HOOKTUNNEL_RELAY_TOKENS and relay.db; names from relay.db.

import { readFileSync, statSync } from 'node:fs';
import { tokenDigest, type RelayAuthStore, type TokenRecord } from '../../relay-server/auth.js';
import { UserError } from '../errors.js';
import { whyUnreadable } from '../read-user-file.js';
import type { RelayDb } from './relay-db.js';

/** Tokens in a file: one a line; blank lines and lines starting with # are skipped. */
export function parseTokenFile(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
}

/** HOOKTUNNEL_RELAY_TOKENS: comma-separated. */
export function parseTokenList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((token) => token.trim()).filter(Boolean);
}

/** HOOKTUNNEL_RELAY_TOKENS as records, labelled as the relay's log and `relay token list` name them. */
export function envTokenRecords(tokens: string[]): TokenRecord[] {
  return tokens.map((token, i) => ({ digest: tokenDigest(token), label: `HOOKTUNNEL_RELAY_TOKENS #${i + 1}` }));
}

/** A token file that cannot be read (missing, permission denied, a folder): the relay refuses to start without it. */
export class TokenFileUnreadable extends UserError {
  constructor(
    readonly path: string,
    /** In words: "no such file", "permission denied". */
    readonly why: string,
    cause: unknown,
  ) {
    super(`could not read --token-file ${path}: ${why}`, { hint: 'check the path and that the relay\'s user may read it; one token per line', cause });
    this.name = 'TokenFileUnreadable';
  }
}

/** The tokens of a token file as it is now, labelled `<file> #<n>`; a file that cannot be read is a TokenFileUnreadable. */
export function readTokenFile(path: string): TokenRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TokenFileUnreadable(path, whyUnreadable(error as NodeJS.ErrnoException), error);
  }
  return parseTokenFile(text).map((token, i) => ({ digest: tokenDigest(token), label: `${path} #${i + 1}` }));
}

/** Reads a token file now (a missing one is a user error) and again whenever it changes, so edits apply without a restart. */
export function watchTokenFile(path: string): () => TokenRecord[] {
  let records = readTokenFile(path);
  let seen = statSync(path);
  return () => {
    try {
      const now = statSync(path);
      if (now.mtimeMs !== seen.mtimeMs || now.size !== seen.size || now.ino !== seen.ino) {
        seen = now;
        records = readTokenFile(path);
      }
    } catch {
      // A deleted token file revokes its tokens.
      records = [];
    }
    return records;
  };
}

export interface AuthSources {
  db: RelayDb;
  /** Fixed tokens (HOOKTUNNEL_RELAY_TOKENS). */
  envTokens?: string[];
  /** Re-read on every call (see watchTokenFile). */
  fileTokens?: () => TokenRecord[];
}

export function relayAuthStore({ db, envTokens = [], fileTokens }: AuthSources): RelayAuthStore {
  const fromEnv = envTokenRecords(envTokens);
  return {
    tokens: () => [
      ...fromEnv,
      ...(fileTokens?.() ?? []),
      ...db.tokenDigests().map((row) => ({ digest: Buffer.from(row.digest, 'hex'), label: row.name })),
    ],
    nameOwner: (name) => db.nameOwner(name),
    reserveName: (name, owner) => db.reserveName(name, owner),
  };
}
