// Runs `web`: the inspector over an existing capture database until Ctrl-C.

import chalk from 'chalk';
import { parseDuration } from '../../duration.js';
import { parseTarget } from '../../forward/target.js';
import { jsonText } from '../../output/json-text.js';
import { sanitize } from '../../sanitize.js';
import { Inspector } from '../../web/server.js';
import { listenHint } from '../listen-hint.js';
import { openExistingStore } from '../open-store.js';
import type { SecretFlags } from '../secret-options.js';
import { loadSecretsHere } from '../project-secrets.js';
import { readProjectHere } from '../project-here.js';
import { reportUnwritten } from '../unwritten.js';
import { inspectPort } from '../web-options.js';
import { openInBrowser } from '../../open-browser.js';

/** The flags of `hooktunnel web`, as commander hands them over. */
export interface WebOptions extends SecretFlags {
  db?: string;
  port?: string;
  to?: string;
  timeout: string;
  open: boolean;
  json?: boolean;
}

export async function web(flags: WebOptions): Promise<void> {
  const replayTo = flags.to ? parseTarget(flags.to, '--to') : undefined;
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const port = inspectPort(flags.port, '--port');
  // hooktunnel.yml read once, for its secrets and db alike.
  const project = await readProjectHere();
  const secrets = await loadSecretsHere(flags, process.env, project);
  const store = await openExistingStore(flags.db, project);
  let inspector: Inspector | undefined;
  try {
    inspector = await Inspector.start({
      store,
      replayTo,
      timeoutMs,
      secrets,
      info: { mode: 'web', publicUrl: null, target: replayTo?.url ?? 'original target', dbPath: store.path, connection: null, listen: await listenHint(project) },
      ...port,
    });
    if (flags.json) {
      process.stdout.write(`${jsonText({ type: 'ready', inspector: inspector.url, dbPath: store.path })}\n`);
    } else {
      process.stdout.write(`${chalk.bold.green('hooktunnel web')}  ${chalk.cyan(inspector.url)}\n`);
      process.stdout.write(chalk.dim(`            reading ${store.path}; Ctrl-C to stop\n`));
    }
    // Not waited for: the launcher's answer can take a moment, and Ctrl-C must already stop the inspector meanwhile.
    if (flags.open) void openBrowser(inspector.url);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await inspector?.close();
    // Replays made from the page while the store was full or locked wait in memory: said, not lost without a word.
    reportUnwritten(store, 'replays made in the inspector');
    store.close();
  }
}

/** Opens the page in the default browser; a machine without one (a server, CI) still has the printed address. */
async function openBrowser(url: string): Promise<void> {
  try {
    await openInBrowser(url);
  } catch (error) {
    process.stderr.write(`could not open a browser (${sanitize((error as Error).message)}); open the address above (or pass --no-open)\n`);
  }
}
