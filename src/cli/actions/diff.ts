// Runs `diff`: loads two exchanges and prints what differs between them.

import { EXIT_USAGE, UserError } from '../../errors.js';
import { diffExchanges } from '../../diff/exchange-diff.js';
import { diffText } from '../../output/diff-text.js';
import { exactJsonText } from '../../output/json-text.js';
import { openExistingStore } from '../open-store.js';
import { readRefs } from '../event-id.js';
import { parseRef, unknownRefs } from '../exchange-ids.js';

export interface DiffFlags {
  db?: string;
  json?: boolean;
  ignoreHeader?: string[];
  exitCode?: boolean;
}

/** diff's exit status for any error (unknown id, no database, bad flag): never 1, which --exit-code keeps for "they differ". */
const EXIT_DIFF_ERROR = EXIT_USAGE;

export async function diff(aArg: string, bArg: string, flags: DiffFlags): Promise<void> {
  try {
    await compare(aArg, bArg, flags);
  } catch (error) {
    if (error instanceof UserError && error.exitCode !== EXIT_DIFF_ERROR) {
      throw new UserError(error.message, { hint: error.hint, exitCode: EXIT_DIFF_ERROR, code: error.code, cause: error });
    }
    throw error;
  }
}

async function compare(aArg: string, bArg: string, flags: DiffFlags): Promise<void> {
  const refs = [parseRef(aArg), parseRef(bArg)];
  const store = await openExistingStore(flags.db);
  try {
    const found = readRefs(store, refs, (id) => store.get(id));
    const missing = unknownRefs(refs, found, store.path, 'nothing compared');
    if (missing) throw missing;
    const [a, b] = found as NonNullable<(typeof found)[number]>[];
    const result = diffExchanges(a, b, flags.ignoreHeader);
    process.stdout.write(flags.json ? `${exactJsonText(result, 2)}\n` : `${diffText(result)}\n`);
    // As `git diff --exit-code`: scripts ask "did anything change?" without parsing the output.
    if (flags.exitCode && !result.same) process.exitCode = 1;
  } finally {
    store.close();
  }
}
