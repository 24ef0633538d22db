// The ids commands take to name an exchange: hooktunnel's own, as `ls` prints them, or the provider's event id of a
// webhook (evt_…, a GitHub delivery GUID, msg_…), and what a command says about one that has no exchange.

import { UserError } from '../errors.js';

/** An exchange as the user named it: hooktunnel's id, or a provider's event id (see event-id.ts for which exchange). */
export type ExchangeRef = number | EventRef;
interface EventRef {
  eventId: string;
}

const NOT_AN_ID_HINT = 'ids are the numbers `hooktunnel ls` prints; an event id is the provider\'s (evt_…, a GitHub delivery GUID, msg_…)';

/**
 * A number (`12`, `#12`) is always hooktunnel's id, whatever a provider's ids look like; anything else is an event id.
 * Refused (exit 2): what no provider's id looks like, a mistyped number (`#x`, `-2`, `0`) or an argument with spaces or
 * control characters, which a shell quoting slip gives.
 */
export function parseRef(value: string): ExchangeRef {
  if (/^#?[0-9]+$/.test(value)) return parseId(value);
  if (value === '' || /^[#-]/.test(value) || /[\s\p{Cc}]/u.test(value)) throw notAnId(value);
  return { eventId: value };
}

function parseId(value: string): number {
  // Digits only: Number() alone would take "0x10", "1e2" or " 12 " as ids the user never wrote.
  const id = Number(value.replace(/^#/, ''));
  if (!Number.isSafeInteger(id) || id < 1) throw notAnId(value);
  return id;
}

const notAnId = (value: string) => new UserError(`"${value}" is not an exchange id or an event id`, { hint: NOT_AN_ID_HINT, exitCode: 2 });

/** How messages name an exchange the user asked for: `#12`, or `event id "evt_1"` (escaped where it is printed). */
function refLabel(ref: ExchangeRef): string {
  return typeof ref === 'number' ? `#${ref}` : `event id "${ref.eventId}"`;
}

/** What to do about an id with no exchange. */
export const SEE_IDS_HINT = 'run `hooktunnel ls` to see the recorded ids';

/**
 * What to do about an event id with no exchange. Only a provider hooktunnel recognises gives one, and only when the
 * webhook carried it; the ids of Stripe and Standard Webhooks (Svix, Clerk, Resend) say which provider to list.
 */
function eventIdHint(eventId: string): string {
  const provider = eventId.startsWith('evt_') ? 'stripe' : eventId.startsWith('msg_') ? 'standard' : '<provider>';
  return (
    'an event id is known only for a webhook whose provider hooktunnel recognised and that carried one (`hooktunnel show <id>` prints it); ' +
    `\`hooktunnel ls --provider ${provider}\` lists that provider's webhooks`
  );
}

export function unknownRef(ref: ExchangeRef, path: string): UserError {
  const hint = typeof ref === 'number' ? SEE_IDS_HINT : eventIdHint(ref.eventId);
  const what = typeof ref === 'number' ? refLabel(ref) : `with ${refLabel(ref)}`;
  return new UserError(`no exchange ${what} in ${path}`, { hint, code: 'not_found' });
}

/**
 * For a command given several ids, which checks every one before it acts on any: all the missing ones named, and that
 * nothing was done (`undone`: "nothing replayed"). `found[i]` is what the store holds for `refs[i]`. A single id alone
 * gets unknownRef's message. Undefined when none is missing.
 */
export function unknownRefs(refs: ExchangeRef[], found: readonly unknown[], path: string, undone: string): UserError | undefined {
  const missing = missingRefs(refs, found);
  if (missing.length === 0) return undefined;
  if (refs.length === 1) return unknownRef(missing[0], path);
  const named = missing.map(refLabel).join(', ');
  const event = missing.find((ref): ref is EventRef => typeof ref !== 'number');
  // `no exchange #12`, `no exchange with event id "evt_1"`, `no exchanges #12, #13`, `no exchanges for #12, event id "evt_1"`.
  const what = missing.length === 1 ? unknownRef(missing[0], path).message : `no exchanges ${event ? 'for ' : ''}${named} in ${path}`;
  return new UserError(`${what}; ${undone}`, {
    hint: `${SEE_IDS_HINT}, or leave ${named} out${event ? `; ${eventIdHint(event.eventId)}` : ''}`,
    code: 'not_found',
  });
}

/** The refs of `refs` with nothing in `found` at their index, each once, in the order given. */
export function missingRefs(refs: ExchangeRef[], found: readonly unknown[]): ExchangeRef[] {
  const missing = new Map<string, ExchangeRef>();
  refs.forEach((ref, index) => {
    if (found[index] === undefined) missing.set(typeof ref === 'number' ? `#${ref}` : `event ${ref.eventId}`, ref);
  });
  return [...missing.values()];
}
