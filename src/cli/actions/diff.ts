// Runs `diff`: loads two exchanges and prints what differs between them.

import { diffExchanges } from '../../diff/exchange-diff.js';
import { diffText } from '../../output/diff-text.js';
import { jsonText } from '../../output/json-text.js';
import { openExistingStore, parseId, unknownId } from '../open-store.js';

export interface DiffFlags {
  db?: string;
  json?: boolean;
  ignoreHeader?: string[];
  exitCode?: boolean;
}

export async function diff(aArg: string, bArg: string, flags: DiffFlags): Promise<void> {
  const ids = [parseId(aArg), parseId(bArg)];
  const store = openExistingStore(flags.db);
  try {
    const [a, b] = ids.map((id) => {
      const exchange = store.get(id);
      if (!exchange) throw unknownId(id, store.path);
      return exchange;
    });
    const result = diffExchanges(a, b, flags.ignoreHeader);
    process.stdout.write(flags.json ? `${jsonText(result, 2)}\n` : `${diffText(result)}\n`);
    // As `git diff --exit-code`: scripts ask "did anything change?" without parsing the output.
    if (flags.exitCode && !result.same) process.exitCode = 1;
  } finally {
    store.close();
  }
}
