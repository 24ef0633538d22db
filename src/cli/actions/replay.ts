// Runs `replay`: one exchange or many, with the edits asked for; prints each result and, for many, a summary.

import { readFileSync } from 'node:fs';
import chalk from 'chalk';
import { parseDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import type { ExchangeSummary, HeaderPairs } from '../../exchange.js';
import { parseTarget } from '../../forward/target.js';
import { replayExchange, type ReplayOptions } from '../../replay.js';
import type { Store } from '../../store/store.js';
import { editBody } from '../../edit-body.js';
import { openExistingStore, parseId, unknownId } from '../open-store.js';
import { loadSecrets, type SecretFlags } from '../secret-options.js';
import { printResult, summarize } from './replay-output.js';

/** The flags of `hooktunnel replay` as its command parses them (the command imports this type; never the reverse). */
export interface ReplayFlags extends SecretFlags {
  db?: string;
  to?: string;
  json?: boolean;
  timeout: string;
  resign?: boolean;
  edit?: boolean;
  setHeader?: string[];
  bodyFile?: string;
  since?: string;
  path?: string;
  /** Send exchanges that were stored redacted. */
  allowRedacted?: boolean;
}

function parseHeaderEdit(value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon < 1) throw usageError(`--set-header "${value}" is not name:value`, "for example --set-header 'X-Debug: 1'");
  return [value.slice(0, colon).trim(), value.slice(colon + 1).trim()];
}

/** The ids to replay: the ones given, or every original exchange matching --since/--path, in recorded order. */
function selectIds(store: Store, ids: string[], flags: ReplayFlags): number[] {
  if (ids.length > 0) return ids.map(parseId);
  if (!flags.since && !flags.path) throw usageError('replay needs exchange ids, or --since / --path to select them', 'for example `hooktunnel replay 12` or `hooktunnel replay --since 10m`');
  const since = flags.since ? Date.now() - parseDuration(flags.since, '--since') : undefined;
  return store.list({ limit: 100_000, since, pathPrefix: flags.path, originalsOnly: true, oldestFirst: true }).map((e) => e.id);
}

export async function replay(ids: string[], flags: ReplayFlags): Promise<void> {
  const to = flags.to ? parseTarget(flags.to, '--to') : undefined;
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const setHeaders: HeaderPairs = (flags.setHeader ?? []).map(parseHeaderEdit);
  const fileBody = flags.bodyFile ? readBodyFile(flags.bodyFile) : undefined;
  const store = openExistingStore(flags.db);
  try {
    const selected = selectIds(store, ids, flags);
    if ((flags.edit || fileBody) && selected.length !== 1) throw usageError('--edit and --body-file replay exactly one exchange');
    if (selected.length === 0) {
      process.stderr.write('no exchanges match; nothing replayed\n');
      return;
    }
    const options: ReplayOptions = {
      to,
      timeoutMs,
      secrets: loadSecrets(flags),
      resign: flags.resign,
      setHeaders,
      allowRedacted: flags.allowRedacted,
      onStoreError: (error) => process.stderr.write(`warning: the replay was not recorded: ${error.message}\n`),
    };
    const results: ExchangeSummary[] = [];
    for (const [index, id] of selected.entries()) {
      // Progress is for people: left out with --json, where failures reach stderr as JSON objects.
      if (selected.length > 1 && !flags.json) process.stderr.write(chalk.dim(`replaying ${index + 1}/${selected.length}: #${id}\n`));
      const body = flags.edit ? editBody(store.get(id)?.requestBody ?? Buffer.alloc(0)) : fileBody;
      const result = await replayExchange(store, id, { ...options, body });
      if (!result) throw unknownId(id, store.path);
      if (result.resign && !result.resign.resigned && (flags.resign || flags.edit || fileBody)) {
        process.stderr.write(chalk.yellow(`warning: #${id} was sent without a new signature: ${result.resign.reason}\n`));
      }
      results.push(result.exchange);
      printResult(result.exchange, flags.json ?? false);
    }
    if (results.length > 1 && !flags.json) process.stderr.write(`${summarize(results)}\n`);
    // The app answered (any status): success. It could not be reached or failed mid-answer: failure.
    if (results.some((r) => r.state === 'failed')) process.exitCode = 1;
  } finally {
    store.close();
  }
}

function readBodyFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserError(`could not read --body-file ${path}: ${(error as Error).message}`);
  }
}
