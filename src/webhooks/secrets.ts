// Where webhook secrets come from (flags, environment, config file) and which one applies to a request.

import { usageError } from '../errors.js';
import { parseHmacSpec, type HmacSpec } from './hmac-spec.js';
import type { BuiltInProviderName, ProviderName } from './provider.js';

export type SecretSource = 'flag' | 'env' | 'config';

/** One secret for one provider on one path pattern. */
export interface SecretEntry {
  provider: BuiltInProviderName;
  /** `*` (every path), an exact path (`/hooks/stripe`), or a prefix ending in `/*` (`/hooks/*`). */
  path: string;
  value: string;
  source: SecretSource;
}

/** Every configured secret, highest precedence first, and the generic HMAC specs. */
export interface Secrets {
  readonly entries: readonly SecretEntry[];
  readonly hmac: readonly HmacSpec[];
}

const NAMES: Record<string, BuiltInProviderName> = {
  stripe: 'stripe',
  github: 'github',
  shopify: 'shopify',
  slack: 'slack',
  twilio: 'twilio',
  standard: 'standard',
  'standard-webhooks': 'standard',
  svix: 'standard',
};
/** How messages name the Standard Webhooks provider: by its name, and the name most users know it by. */
export const STANDARD_LABEL = 'standard (alias svix)';
const KNOWN = `stripe, github, shopify, slack, twilio, ${STANDARD_LABEL}`;
const SOURCE_RANK: Record<SecretSource, number> = { flag: 0, env: 1, config: 2 };

/** The provider a user-typed name means (case-insensitive, `svix` and `standard-webhooks` mean `standard`). */
export function secretProvider(name: string): BuiltInProviderName | undefined {
  return Object.hasOwn(NAMES, name.toLowerCase()) ? NAMES[name.toLowerCase()] : undefined;
}

/** Every name a provider is recorded under, for messages that list them. */
export const RECORDED_PROVIDERS = `${KNOWN}, hmac`;

/**
 * The name a provider is recorded under for a name a user typed to find its exchanges (`--provider Svix`,
 * `--match provider=svix`, the inspectors' `provider:svix`): `standard` for svix, `hmac` for a --verify spec's.
 */
export function recordedProvider(name: string): ProviderName | undefined {
  return name.toLowerCase() === 'hmac' ? 'hmac' : secretProvider(name);
}

function checkPath(path: string, where: string): string {
  if (path === '*' || (path.startsWith('/') && !path.slice(0, -1).includes('*'))) return path;
  throw usageError(`${where} has path "${path}", which is not *, /exact/path or /prefix/*`);
}

/**
 * Parses one `--secret` flag: `PROVIDER=SECRET` for every path, or `PROVIDER:PATH=SECRET` for one path, where PATH is
 * `/exact/path` or `/prefix/*`. The secret may contain `=` and `:` (everything after the first `=` is the secret).
 * Examples: `stripe=whsec_abc`, `github:/hooks/gh=s3cret`, `svix:/clerk/*=whsec_MfKQ...`.
 */
export function parseSecretFlag(flag: string): SecretEntry {
  const match = /^([A-Za-z-]+)(?::([^=]*))?=([\s\S]+)$/.exec(flag);
  const shown = flag.includes('=') ? `${flag.slice(0, flag.indexOf('='))}=***` : flag;
  const provider = match ? secretProvider(match[1]) : undefined;
  if (!match || !provider) {
    const message = `--secret "${shown}" is not PROVIDER=SECRET or PROVIDER:/path=SECRET`;
    throw usageError(message, `PROVIDER is one of ${KNOWN}`);
  }
  return { provider, path: checkPath(match[2] ?? '*', `--secret "${shown}"`), value: match[3], source: 'flag' };
}

/**
 * Secrets from `HOOKTUNNEL_SECRET_<PROVIDER>` variables (e.g. HOOKTUNNEL_SECRET_STRIPE), each for every path. A value
 * of several `whsec_` secrets separated by whitespace gives each, as a repeated --secret does: Stripe's and Svix's
 * secrets hold no whitespace, and a CI job's one variable must carry the old and the new secret during a rotation.
 * Any other value is one secret as it stands (a GitHub secret may hold spaces).
 */
export function secretsFromEnv(env: Record<string, string | undefined>): SecretEntry[] {
  return secretVariables(env).flatMap(({ provider, value }) =>
    secretList(value).map((one): SecretEntry => ({ provider, path: '*', value: one, source: 'env' })),
  );
}

const WHSEC_LIST = /^\s*whsec_\S+(\s+whsec_\S+)+\s*$/;

function secretList(value: string): string[] {
  return WHSEC_LIST.test(value) ? value.trim().split(/\s+/) : [value];
}

/** The set `HOOKTUNNEL_SECRET_<PROVIDER>` variables: their names, providers and values. */
export function secretVariables(env: Record<string, string | undefined>): { variable: string; provider: BuiltInProviderName; value: string }[] {
  const found: { variable: string; provider: BuiltInProviderName; value: string }[] = [];
  for (const [key, value] of Object.entries(env)) {
    const name = /^HOOKTUNNEL_SECRET_(.+)$/.exec(key)?.[1];
    if (name === undefined || !value) continue;
    const provider = secretProvider(name.replaceAll('_', '-'));
    if (!provider) throw usageError(`environment variable ${key} names no known provider`, `use one of ${KNOWN}`);
    found.push({ variable: key, provider, value });
  }
  return found;
}

/**
 * Secrets from a config file's `secrets` object: `{ "stripe": "whsec_..." }` for every path, or per path
 * `{ "stripe": { "/hooks/stripe": "whsec_...", "*": "whsec_..." } }`; a list in place of a secret gives that provider
 * and path several (`{ "stripe": ["whsec_dashboard", "whsec_cli"] }`); `"hmac"` holds one spec string or a list.
 */
export function secretsFromConfig(map: unknown): Secrets {
  const secrets = { entries: [] as SecretEntry[], hmac: [] as HmacSpec[] };
  if (map === undefined || map === null) return secrets;
  if (typeof map !== 'object' || Array.isArray(map)) throw usageError('config "secrets" is not an object');
  for (const [key, value] of Object.entries(map)) {
    const where = `config "secrets.${key}"`;
    if (key === 'hmac') {
      const specs: unknown[] = Array.isArray(value) ? value : [value];
      for (const spec of specs) {
        if (typeof spec !== 'string') throw usageError(`${where} is not a spec string or a list of them`);
        secrets.hmac.push(parseHmacSpec(spec));
      }
      continue;
    }
    const provider = secretProvider(key);
    if (!provider) throw usageError(`${where} names no known provider`, `use one of ${KNOWN}, or hmac`);
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) {
      throw usageError(`${where} is not a secret string, a list of them or a { path: secret } object`);
    }
    const byPath: [string, unknown][] = typeof value === 'string' || Array.isArray(value) ? [['*', value]] : Object.entries(value);
    for (const [path, listed] of byPath) {
      const named = Array.isArray(value) ? where : `${where}["${path}"]`;
      const values: unknown[] = Array.isArray(listed) ? listed : [listed];
      if (values.length === 0) throw usageError(`${named} is an empty list`, 'give at least one secret, or remove the entry');
      for (const secret of values) {
        if (typeof secret !== 'string' || secret === '') throw usageError(`${named} is not a secret string or a list of them`);
        secrets.entries.push({ provider, path: checkPath(path, where), value: secret, source: 'config' });
      }
    }
  }
  return secrets;
}

/** Merges every source; `flags` are `--secret` values, `verify` are `--verify` HMAC specs. */
export function buildSecrets(sources: {
  flags?: string[];
  verify?: string[];
  env?: Record<string, string | undefined>;
  config?: unknown;
}): Secrets {
  const config = secretsFromConfig(sources.config);
  return {
    entries: [...(sources.flags ?? []).map(parseSecretFlag), ...secretsFromEnv(sources.env ?? {}), ...config.entries],
    hmac: [...(sources.verify ?? []).map(parseHmacSpec), ...config.hmac],
  };
}

/** The path patterns `provider` has secrets for, each once, in the order given (empty: none at all). */
export function secretPaths(secrets: Secrets, provider: ProviderName): string[] {
  return [...new Set(secrets.entries.filter((entry) => entry.provider === provider).map((entry) => entry.path))];
}

// Within one source, an exact path beats the longest matching prefix, which beats `*`.
function specificity(pattern: string, path: string): number {
  if (pattern === path) return Number.MAX_SAFE_INTEGER;
  if (pattern.endsWith('/*') && path.startsWith(pattern.slice(0, -1))) return pattern.length;
  return pattern === '*' ? 0 : -1;
}

/**
 * The secrets for `provider` on request `path` (query ignored), in the order given; empty when there is none.
 * Precedence: flags over environment over config; within a source, the most specific path pattern wins. Several
 * come back when the winning source gives that same pattern more than one (`--secret stripe=A --secret stripe=B`: the
 * Stripe dashboard's endpoint and `stripe listen` forwarding to one tunnel, or an old and a new secret while rotating).
 */
export function resolveSecrets(secrets: Secrets, provider: BuiltInProviderName, path: string): string[] {
  const bare = path.split('?')[0];
  let best: { rank: number; score: number } | null = null;
  let values: string[] = [];
  for (const entry of secrets.entries) {
    if (entry.provider !== provider) continue;
    const score = specificity(entry.path, bare);
    const rank = SOURCE_RANK[entry.source];
    if (score < 0) continue;
    if (!best || rank < best.rank || (rank === best.rank && score > best.score)) {
      best = { rank, score };
      values = [entry.value];
    } else if (rank === best.rank && score === best.score && !values.includes(entry.value)) {
      values.push(entry.value);
    }
  }
  return values;
}

/** No secrets at all. */
export const NO_SECRETS: Secrets = Object.freeze({ entries: Object.freeze([]), hmac: Object.freeze([]) });
