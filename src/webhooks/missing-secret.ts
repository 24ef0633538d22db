// Why a signature check or a re-signing had no secret, and how to give one. Every view that shows webhooks/verify.ts's
// reason (show, the TUI, replay, verify, the web inspector) follows it with missingSecretHint, and trigger's warning
// says the same.

import { secretPaths, type Secrets } from './secrets.js';
import type { ProviderName } from './provider.js';

/**
 * Why no secret of `provider` applies to a request on `where` (a path, or "this path" where the path is shown beside
 * it): none is configured at all, or only for other paths. Those are named: a secret for `/slack` looks like a route
 * prefix but takes only that exact path, not `/slack/events`, and "no secret configured" would send the user looking
 * for a secret that is there.
 */
export function missingSecretReason(secrets: Secrets, provider: ProviderName, where = 'this path'): string {
  const paths = secretPaths(secrets, provider);
  if (paths.length === 0) return `no secret configured for ${provider}`;
  return `no secret configured for ${provider} on ${where} (only for ${paths.join(', ')})`;
}

/** How to give the secret a missingSecretReason lacked (the flag and the variable, or how paths match); else undefined. */
export function missingSecretHint(reason: string | null | undefined): string | undefined {
  const none = /^no secret configured for ([a-z]+)$/.exec(reason ?? '')?.[1];
  if (none) return `set --secret ${none}=… or HOOKTUNNEL_SECRET_${none.toUpperCase()}`;
  const elsewhere = /^no secret configured for ([a-z]+) on .+ \(only for .+\)$/s.exec(reason ?? '')?.[1];
  if (!elsewhere) return undefined;
  return `a secret's path is exact, or /prefix/* for the paths below /prefix/: add this one under secrets.${elsewhere}, or pass --secret '${elsewhere}:/path=…'`;
}
