// How to give a secret that a signature check or a re-signing lacked. Every view that shows webhooks/verify.ts's
// reason "no secret configured for <provider>" (show, the TUI, replay, verify, the web inspector) follows it with this.

/** The flag and the variable for the provider of that reason (the phrase trigger's warning uses); else undefined. */
export function missingSecretHint(reason: string | null | undefined): string | undefined {
  const provider = /^no secret configured for ([a-z]+)$/.exec(reason ?? '')?.[1];
  return provider ? `set --secret ${provider}=… or HOOKTUNNEL_SECRET_${provider.toUpperCase()}` : undefined;
}
