// The exchange ids commands take, as `ls` prints them, and what a command says about one that has no exchange.

import { UserError } from '../errors.js';

/** Parses an exchange id as printed by `ls`. */
export function parseId(value: string): number {
  // Digits only: Number() alone would take "0x10", "1e2" or " 12 " as ids the user never wrote.
  const id = /^#?[0-9]+$/.test(value) ? Number(value.replace(/^#/, '')) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UserError(`"${value}" is not an exchange id`, { hint: 'ids are the numbers `hooktunnel ls` prints', exitCode: 2 });
  return id;
}

/** What to do about an id with no exchange. */
export const SEE_IDS_HINT = 'run `hooktunnel ls` to see the recorded ids';

export function unknownId(id: number, path: string): UserError {
  return new UserError(`no exchange #${id} in ${path}`, { hint: SEE_IDS_HINT, code: 'not_found' });
}

/**
 * For a command given several ids, which checks every one before it acts on any: all the missing ones named, and that
 * nothing was done (`undone`: "nothing replayed"). `found[i]` is what the store holds for `ids[i]`. A single id alone
 * gets unknownId's message. Undefined when none is missing.
 */
export function unknownIds(ids: number[], found: readonly unknown[], path: string, undone: string): UserError | undefined {
  const missing = missingIds(ids, found);
  if (missing.length === 0) return undefined;
  if (ids.length === 1) return unknownId(missing[0], path);
  const named = missing.map((id) => `#${id}`).join(', ');
  return new UserError(`no ${missing.length === 1 ? 'exchange' : 'exchanges'} ${named} in ${path}; ${undone}`, {
    hint: `${SEE_IDS_HINT}, or leave ${named} out`,
    code: 'not_found',
  });
}

/** The ids of `ids` with nothing in `found` at their index, each once, in the order given. */
export function missingIds(ids: number[], found: readonly unknown[]): number[] {
  return [...new Set(ids.filter((_, index) => found[index] === undefined))];
}
