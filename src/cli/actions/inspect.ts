// Runs `inspect`: opens an existing capture database and shows it in the TUI until the user quits.

import { parseDuration } from '../../duration.js';
import { UserError } from '../../errors.js';
import { parseTarget } from '../../forward/target.js';
import { exitSummary } from '../../tui/exit-summary.js';
import { loadTui } from '../../tui/load-tui.js';
import { StoreModel } from '../../tui/store-model.js';
import { openExistingStore } from '../open-store.js';
import type { SecretFlags } from '../secret-options.js';
import { loadSecretsHere } from '../project-secrets.js';
import { readProjectHere } from '../project-here.js';
import { reportUnwritten } from '../unwritten.js';

/** The flags of `hooktunnel inspect` as its command parses them (the command imports this type; never the reverse). */
export interface InspectFlags extends SecretFlags {
  db?: string;
  to?: string;
  timeout: string;
}

export async function inspect(flags: InspectFlags): Promise<void> {
  const replayTo = flags.to ? parseTarget(flags.to, '--to') : undefined;
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  // hooktunnel.yml read once, for its secrets and db alike.
  const project = await readProjectHere();
  const secrets = await loadSecretsHere(flags, process.env, project);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError('inspect needs an interactive terminal', { hint: 'in scripts and pipes use `hooktunnel ls` and `hooktunnel show <id>`' });
  }
  const { startTui } = await loadTui();
  const store = await openExistingStore(flags.db, project);
  const model = new StoreModel({
    store,
    replayTo,
    timeoutMs,
    secrets,
    // A listen recording elsewhere, a retry in another terminal: shown as they happen.
    follow: { watchFiles: true },
    info: { mode: 'inspect', url: null, target: replayTo?.url ?? 'original target', dbPath: store.path, connection: null },
  });
  const tui = startTui(model, { onExit: (copied) => process.stdout.write(exitSummary(model.info(), copied)) });
  const stop = () => tui.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await tui.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Replays made while the store was full or locked wait in memory: said, not lost without a word.
    reportUnwritten(store, 'replays made in the inspector');
    // An editor still open (a signal closed the UI) gets its edit kept, not sent into the closed store.
    model.close();
    store.close();
    await tui.finished.catch(() => {});
  }
}
