// A per-path secret beside a route of the same prefix looks like "the secret of that route", but paths match
// differently: a route prefix takes itself and every path below it (/slack: /slack/events too), a secret's path is
// exact (/slack alone) or /prefix/* (the paths below /prefix/, not /prefix itself). `config check` says so before a
// webhook arrives unchecked for it.

import { resolveSecrets, type Secrets } from '../webhooks/secrets.js';

/**
 * One line per secret whose path leaves out part of the route of its prefix, when no other secret of its provider
 * (the route's other half, a wider /x/*, or `*`) covers that part, as resolveSecrets decides; empty when none does.
 */
export function secretPathNotes(secrets: Secrets, routePrefixes: readonly string[]): string[] {
  const notes = new Set<string>();
  for (const { provider, path } of secrets.entries) {
    if (path === '*' || path === '/') continue;
    const below = path.endsWith('/*');
    const prefix = below ? path.slice(0, -2) : path;
    if (!routePrefixes.includes(prefix)) continue;
    // A path below the prefix that no secret names exactly, so only a /prefix/* or wider pattern takes it.
    const covered = (requestPath: string) => resolveSecrets(secrets, provider, requestPath).length > 0;
    if (covered(prefix) && covered(`${prefix}/\u0000`)) continue;
    notes.add(
      below
        ? `the ${provider} secret for ${path} takes the paths below ${prefix}/, not the route's ${prefix} itself: add one for "${prefix}" too if it gets webhooks`
        : `the ${provider} secret for ${path} takes that exact path only, not the rest of the route ${prefix} (${prefix}/…): add one for "${prefix}/*" if those get webhooks`,
    );
  }
  return [...notes];
}
