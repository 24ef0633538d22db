// The tokens a relay accepts besides its stored ones (HOOKTUNNEL_RELAY_TOKENS, --token-file), as an operator command
// run beside it reads them: by label, never the token itself.

import type { TokenRecord } from '../../relay-server/auth.js';
import { UserError } from '../errors.js';
import { envTokenRecords, parseTokenList, readTokenFile, TokenFileUnreadable } from './auth-store.js';

/** Tokens the relay accepts besides the stored ones, read from where `hooktunnel relay` reads them. */
export interface GivenTokens {
  /** HOOKTUNNEL_RELAY_TOKENS. */
  env: string | undefined;
  /** --token-file (or HOOKTUNNEL_RELAY_TOKEN_FILE). */
  tokenFile: string | undefined;
}

/** The given tokens as read now, and the token file when it could not be read (its tokens are then missing). */
export interface GivenTokensRead {
  /** By label (`HOOKTUNNEL_RELAY_TOKENS #1`, `<file> #2`): never the token itself, only its digest. */
  tokens: { record: TokenRecord; source: 'environment' | 'token file' }[];
  /** --token-file was given and cannot be read. */
  unreadable?: TokenFileUnreadable;
  /** Whether --token-file was given at all. */
  tokenFileGiven: boolean;
}

/**
 * Reads the given tokens. A token file that cannot be read does not stop the listing commands, which show what the
 * rest holds and then fail with withoutTokenFile: an operator without the relay's permissions still sees the store.
 */
export function readGivenTokens(given: GivenTokens): GivenTokensRead {
  const tokens: GivenTokensRead['tokens'] = envTokenRecords(parseTokenList(given.env)).map((record) => ({ record, source: 'environment' }));
  if (!given.tokenFile) return { tokens, tokenFileGiven: false };
  try {
    tokens.push(...readTokenFile(given.tokenFile).map((record) => ({ record, source: 'token file' as const })));
    return { tokens, tokenFileGiven: true };
  } catch (error) {
    if (!(error instanceof TokenFileUnreadable)) throw error;
    return { tokens, tokenFileGiven: true, unreadable: error };
  }
}

/**
 * Thrown after a command did what it could without the token file (a listing printed the rest): exit 1, so a script
 * does not take a listing that lacks the file's tokens for a whole one. `consequence` says what is missing.
 */
export function withoutTokenFile(unreadable: TokenFileUnreadable, consequence: string): UserError {
  return new UserError(`could not read the token file ${unreadable.path} (--token-file or HOOKTUNNEL_RELAY_TOKEN_FILE): ${unreadable.why}; ${consequence}`, {
    hint: "run this as the user the relay runs as, with its environment (`sudo -u <relay user> -E hooktunnel relay …`), or give the path the relay reads in --token-file",
    cause: unreadable,
  });
}
