// Runs `prune`: works out what the rules delete, asks before emptying the database, deletes, and says how many.

import { parseDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import { jsonText } from '../../output/json-text.js';
import type { Store } from '../../store/store.js';
import { canAsk, confirm } from '../confirm.js';
import { openStoreIfRecorded } from '../open-store.js';
import { chooseDb } from '../project-db.js';
import { readProjectHere } from '../project-here.js';

/** The flags of `hooktunnel prune` as its command parses them (the command imports this type; never the reverse). */
export interface PruneFlags {
  olderThan?: string;
  keep?: string;
  vacuum?: boolean;
  yes?: boolean;
  json?: boolean;
  db?: string;
}

const plural = (n: number) => `${n} exchange${n === 1 ? '' : 's'}`;

export async function prune(flags: PruneFlags): Promise<void> {
  if (flags.olderThan === undefined && flags.keep === undefined) {
    throw usageError('prune needs --older-than or --keep', 'for example `hooktunnel prune --older-than 7d` or `hooktunnel prune --keep 10000`');
  }
  const keep = flags.keep === undefined ? undefined : Number(flags.keep);
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) throw usageError(`--keep "${flags.keep}" must be a whole number`);
  const before = flags.olderThan === undefined ? undefined : Date.now() - parseDuration(flags.olderThan, '--older-than');
  // hooktunnel.yml read once, for the db to prune and to name; not at all with --db, which wins over it.
  const project = flags.db === undefined ? await readProjectHere() : undefined;
  const store = await openStoreIfRecorded(flags.db, project);
  if (!store) {
    // Nothing recorded on this machine yet: nothing to delete (a cron job may run before the first listen).
    const db = (await chooseDb(flags.db, process.env, project)).path;
    process.stdout.write(flags.json ? `${jsonText({ deleted: 0, remaining: 0, db, vacuumed: false })}\n` : `nothing recorded yet at ${db}; nothing to prune\n`);
    return;
  }
  try {
    const plan = store.planPrune({ before, keep });
    // `--keep 0` asks every time, so a script that works on an empty database does not start failing later.
    const emptiesIt = keep === 0 || (plan.deletes > 0 && plan.deletes === plan.total);
    if (emptiesIt && !flags.yes) await confirmEmptying(store, plan.deletes, flags);
    const deleted = await store.prune({ before, keep, vacuum: flags.vacuum });
    if (flags.json) {
      // Counted again: a listen may have recorded more while this ran.
      const remaining = store.planPrune({}).total;
      process.stdout.write(`${jsonText({ deleted, remaining, db: store.path, vacuumed: flags.vacuum === true })}\n`);
    } else process.stdout.write(`pruned ${plural(deleted)} from ${store.path}\n`);
  } finally {
    store.close();
  }
}

/** On a terminal, a y/N question; elsewhere nobody can answer, so only --yes lets it through. */
async function confirmEmptying(store: Store, deletes: number, flags: PruneFlags): Promise<void> {
  const rule = [flags.olderThan !== undefined && `--older-than ${flags.olderThan}`, flags.keep !== undefined && `--keep ${flags.keep}`].filter(Boolean).join(' ');
  if (!canAsk()) {
    throw usageError(`${rule} would delete all ${plural(deletes)} in ${store.path}; nothing deleted`, 'add --yes to delete them all');
  }
  if (!(await confirm(`Delete all ${plural(deletes)} in ${store.path}?`))) {
    throw new UserError('prune cancelled; nothing deleted');
  }
}
