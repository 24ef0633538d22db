// Why a signature check or a re-signing had no secret, and how to give one. Every view that shows webhooks/verify.ts's
// reason (show, the TUI, replay, verify, the web inspector) follows it with missingSecretHint, and trigger's warning
// says the same; show, verify, the TUI and the web inspector follow a mismatch with how to give a rolled secret's old one.

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

/**
 * After a signature that does not match: the likeliest cause with a remedy is a rolled secret. Stripe and Svix sign
 * with the old and the new secret at once during a rotation (`v1=…,v1=…`, `v1,… v1,…`), so a run given only one of them
 * sees every delivery signed with the other as a mismatch; several secrets per provider are tried in turn.
 */
export function mismatchHint(reason: string | null | undefined, provider: string | null | undefined): string | undefined {
  if (!provider || !/^signature does not match\b/.test(reason ?? '')) return undefined;
  if (provider === 'hmac') return 'if you rolled the secret, give the old one too: a --verify spec for each (or a list under secrets.hmac in hooktunnel.yml)';
  return `if you rolled the secret, give the old one too: --secret ${provider}=<old> --secret ${provider}=<new> (or a list in hooktunnel.yml)`;
}

/** What to do after a signature reason that has a remedy: a secret to give (missingSecretHint) or a rotation's old one. */
export function signatureHint(reason: string | null | undefined, provider: string | null | undefined): string | undefined {
  return missingSecretHint(reason) ?? mismatchHint(reason, provider);
}
