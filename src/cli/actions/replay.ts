// Runs `replay`: one exchange or many, with the edits asked for; prints each result and, for many, a summary.

import { chalkStderr } from 'chalk';
import { parseDuration } from '../../duration.js';
import { usageError, UserError, type UserErrorCode } from '../../errors.js';
import type { ExchangeSummary, HeaderPairs } from '../../exchange.js';
import { parseTarget, type Target } from '../../forward/target.js';
import { dropsHeader, headerValueProblem, isHttpToken } from '../../http-headers.js';
import { INCOMPLETE_WHY, replayExchange, replayProblem, replayTarget, type ReplayCheck, type ReplayOptions } from '../../replay.js';
import type { Store } from '../../store/store.js';
import { EditAborted, editBody } from '../../edit-body.js';
import { openExistingStore } from '../open-store.js';
import { parseRef, type ExchangeRef } from '../exchange-ids.js';
import { lookUpAll, reportGone, type IdFields } from '../not-found.js';
import { parsePathPrefix } from '../filter-options.js';
import type { SecretFlags } from '../secret-options.js';
import { missingSecretHint } from '../../webhooks/missing-secret.js';
import { loadSecretsHere } from '../project-secrets.js';
import { readProjectHere } from '../project-here.js';
import { reportUnwritten } from '../unwritten.js';
import { readUserFile } from '../../read-user-file.js';
import { printResult, staleSignatureHint, summarize } from './replay-output.js';

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

/** Why a header cannot be set by hand on a replay: hooktunnel sets it itself, or never forwards it. */
function managedHeader(name: string): { why: string; hint: string } | undefined {
  switch (name.toLowerCase()) {
    case 'content-length':
      return { why: 'Content-Length is set from the body', hint: 'use --edit or --body-file to change the body; its length follows' };
    case 'transfer-encoding':
      return { why: 'Transfer-Encoding is never forwarded: the body goes whole, with its Content-Length', hint: 'use --edit or --body-file to change the body' };
    case 'host':
      return { why: "Host is set to the target's host", hint: 'use --to <port|url> to choose where the replay goes' };
  }
  if (dropsHeader(name, undefined)) return { why: `${name} is a hop-by-hop header, which hooktunnel never forwards`, hint: 'leave it out' };
  return undefined;
}

/** `--set-header 'Name: value'`, checked before anything is sent: a bad header would fail the replay and be blamed on the app. */
export function parseHeaderEdit(edit: string): [string, string] {
  const colon = edit.indexOf(':');
  if (colon < 1) throw usageError(`--set-header "${edit}" is not name:value`, "for example --set-header 'X-Debug: 1'");
  const name = edit.slice(0, colon).trim();
  const value = edit.slice(colon + 1).trim();
  if (!isHttpToken(name)) {
    throw usageError(`--set-header "${edit}": "${name}" is not a header name`, "a header name is letters, digits and !#$%&'*+-.^_`|~, without spaces");
  }
  const managed = managedHeader(name);
  if (managed) throw usageError(`--set-header "${edit}": ${managed.why}`, managed.hint);
  const problem = headerValueProblem(value);
  if (problem) {
    throw usageError(`--set-header "${edit}": the value ${problem}`, 'a header value cannot hold CR, LF, NUL or other control characters (tab is fine), nor characters beyond Latin-1');
  }
  return [name, value];
}

/** How `replay` picks exchanges: the ids (or event ids) given, or every original matching --since / --path. */
type Selection = { refs: ExchangeRef[] } | { since?: number; pathPrefix?: string };

/** Checks the selection flags: ids and --since / --path are two ways to choose, so one or the other, never both. */
function parseSelection(ids: string[], flags: ReplayFlags): Selection {
  const bulk = flags.since !== undefined || flags.path !== undefined;
  if (ids.length > 0 && bulk) {
    const which = [flags.since !== undefined && '--since', flags.path !== undefined && '--path'].filter(Boolean).join(' and ');
    throw usageError(`${which} ${flags.since !== undefined && flags.path !== undefined ? 'select' : 'selects'} exchanges, and so do the ids ${ids.join(' ')}; give one or the other`, `for example \`hooktunnel replay ${ids.join(' ')}\` or \`hooktunnel replay --since 10m\``);
  }
  if (ids.length > 0) return { refs: ids.map(parseRef) };
  if (!bulk) throw usageError('replay needs exchange ids, or --since / --path to select them', 'for example `hooktunnel replay 12` or `hooktunnel replay --since 10m`');
  return { since: flags.since !== undefined ? Date.now() - parseDuration(flags.since, '--since') : undefined, pathPrefix: parsePathPrefix(flags.path) };
}

/** What to replay: the ids given, or every original exchange matching --since/--path, in recorded order. */
function selectIds(store: Store, selection: Selection): ExchangeRef[] {
  if ('refs' in selection) return selection.refs;
  return store.listIds({ limit: 100_000, since: selection.since, pathPrefix: selection.pathPrefix, originalsOnly: true, oldestFirst: true });
}

export async function replay(ids: string[], flags: ReplayFlags): Promise<void> {
  // Every flag is checked before the database is opened, so a mistake never sends or records anything.
  const selection = parseSelection(ids, flags);
  const to = flags.to !== undefined ? parseTarget(flags.to, '--to') : undefined;
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const setHeaders: HeaderPairs = (flags.setHeader ?? []).map(parseHeaderEdit);
  if (flags.edit && flags.bodyFile !== undefined) throw usageError('--edit and --body-file both give the body; use one', 'to edit a file, --body-file it without --edit, or --edit the recorded body');
  const bodyFlag = flags.edit ? '--edit' : flags.bodyFile !== undefined ? '--body-file' : undefined;
  if (bodyFlag && 'refs' in selection && selection.refs.length !== 1) throw usageError(`${bodyFlag} replays exactly one exchange, and ${selection.refs.length} ids are given`, 'give one id');
  if (flags.edit) checkEditor();
  // hooktunnel.yml read once, for its secrets and db alike.
  const project = await readProjectHere();
  const secrets = await loadSecretsHere(flags, process.env, project);
  const fileBody = flags.bodyFile !== undefined ? readBodyFile(flags.bodyFile) : undefined;
  const store = await openExistingStore(flags.db, project);
  try {
    const selected = selectIds(store, selection);
    if (bodyFlag && selected.length !== 1) {
      throw usageError(`${bodyFlag} replays exactly one exchange, and ${selected.length} match --since / --path`, 'give one id, or narrow --since / --path to one exchange');
    }
    if (selected.length === 0) {
      process.stderr.write('no exchanges match; nothing replayed\n');
      return;
    }
    const originals = lookUpAll(store, selected, { undone: 'nothing replayed', json: flags.json ?? false, idFields: replayedId });
    if (!originals) return;
    // Event ids are exchange ids from here on, in the order given (repeats kept: `replay 12 12` sends it twice).
    const originalIds = originals.map((original) => original.id);
    checkReplayable(originals, { to, allowRedacted: flags.allowRedacted, newBody: bodyFlag !== undefined });
    const options: ReplayOptions = {
      to,
      timeoutMs,
      secrets,
      resign: flags.resign,
      setHeaders,
      allowRedacted: flags.allowRedacted,
      onStoreError: (error) => process.stderr.write(`warning: the replay was not recorded: ${error.message}\n`),
    };
    const results: ExchangeSummary[] = [];
    let gone = 0;
    for (const [index, id] of originalIds.entries()) {
      // Progress is for people: left out with --json, where failures reach stderr as JSON objects.
      if (originalIds.length > 1 && !flags.json) process.stderr.write(chalkStderr.dim(`replaying ${index + 1}/${originalIds.length}: #${id}\n`));
      const body = flags.edit ? await editedBody(store, id) : fileBody;
      const result = await replayExchange(store, id, { ...options, body });
      // Checked above; gone only if deleted meanwhile (prune). Counted as not delivered so the rest still go.
      if (!result) {
        reportGone(`#${id} was deleted before it could be replayed`, replayedId(id), flags.json ?? false);
        gone++;
        continue;
      }
      if (result.resign && !result.resign.resigned && (flags.resign || flags.edit || fileBody)) {
        const hint = missingSecretHint(result.resign.reason);
        process.stderr.write(chalkStderr.yellow(`warning: #${id} was sent without a new signature: ${result.resign.reason}${hint ? ` (${hint})` : ''}\n`));
      }
      results.push(result.exchange);
      printResult(result.exchange, flags.json ?? false);
    }
    if (selected.length > 1 && !flags.json) process.stderr.write(`${summarize(results, gone)}\n`);
    // Not after --no-resign: the recorded signature was asked for.
    const stale = flags.json || flags.resign === false ? null : staleSignatureHint(results);
    if (stale) process.stderr.write(`${chalkStderr.dim('hint:')} ${stale}\n`);
    reportUnwritten(store, selected.length === 1 ? 'the replay' : 'the replays', flags.json);
    // The app answered (any status): success. It could not be reached or failed mid-answer: failure.
    if (gone > 0 || results.some((r) => r.state === 'failed')) process.exitCode = 1;
  } finally {
    store.close();
  }
}

/** The body as edited for the replay (--edit takes one id); Ctrl-C in the editor ends the command, 130, unsent. */
async function editedBody(store: Store, id: number): Promise<Buffer> {
  try {
    return await editBody(store.get(id) ?? { requestHeaders: [], requestBody: Buffer.alloc(0) });
  } catch (error) {
    if (error instanceof EditAborted) throw new UserError(`${error.message}; nothing replayed`, { exitCode: error.exitCode });
    throw error;
  }
}

/**
 * --edit with neither $VISUAL nor $EDITOR falls back to vi, which needs a terminal: without one it writes escape codes
 * into the output and may never return. A set $EDITOR is trusted (scripts use non-interactive ones).
 */
function checkEditor(env: NodeJS.ProcessEnv = process.env): void {
  if (env.VISUAL || env.EDITOR) return;
  if (process.stdin.isTTY && process.stdout.isTTY) return;
  throw usageError('--edit needs an editor: $EDITOR and $VISUAL are not set, and this is not a terminal for vi', 'set EDITOR (e.g. EDITOR=nano, or EDITOR="code --wait"), or send a prepared body with --body-file');
}

/** A replay's JSON error names the exchange replayed and the new one; an id with no exchange made none. */
const replayedId: IdFields = (id) => ({ replayOf: id, id: null });

const idList = (ids: number[]) => ids.map((id) => `#${id}`).join(', ');

/**
 * The exchanges to replay (summaries only: a bulk replay of thousands of large bodies must not hold them all in
 * memory), every one checked before any is sent: one that cannot be replayed (cut off mid-body, stored redacted,
 * answered by hooktunnel itself) refuses the whole command, and the refusal names them all.
 */
function checkReplayable(originals: ExchangeSummary[], options: ReplayCheck): void {
  if (originals.length === 1) {
    replayTarget(originals[0], options);
    return;
  }
  // Many: every reason at once, so one fix-up run is enough.
  const unique = [...new Map(originals.map((e) => [e.id, e])).values()];
  // A body given with the replay (--body-file) replays exactly one exchange, so many never have one.
  const withProblem = (problem: ReturnType<typeof replayProblem>) => unique.filter((e) => replayProblem(e, options) === problem).map((e) => e.id);
  const cut = withProblem('incomplete');
  const redacted = withProblem('redacted');
  const answered = withProblem('answered here');
  if (cut.length === 0 && redacted.length === 0 && answered.length === 0) return;
  const reasons: string[] = [];
  const hints: string[] = [];
  const them = (list: number[]) => (list.length === 1 ? 'it' : 'them');
  const were = (list: number[]) => `${idList(list)} ${list.length === 1 ? 'was' : 'were'}`;
  if (cut.length) {
    reasons.push(`${idList(cut)} ${cut.length === 1 ? 'has' : 'have'} only part of ${cut.length === 1 ? 'its' : 'their'} request body (${INCOMPLETE_WHY})`);
    hints.push(`replay ${them(cut)} one by one with --body-file <file>`);
  }
  if (redacted.length) {
    reasons.push(`${were(redacted)} stored redacted (the app would get [REDACTED] in place of the real values)`);
    hints.push(`pass --allow-redacted to send ${them(redacted)} anyway`);
  }
  if (answered.length) {
    reasons.push(`${were(answered)} answered by hooktunnel (a mock route, or no route), not by an app`);
    hints.push(`pass --to <port|url> to send ${them(answered)} to an app`);
  }
  hints.push(`or leave ${idList([...cut, ...redacted, ...answered])} out`);
  // The reason's own code when there is one, so a script can act on it (add --allow-redacted); several need a person.
  const kinds: [number[], UserErrorCode][] = [[cut, 'incomplete'], [redacted, 'redacted'], [answered, 'answered_here']];
  const present = kinds.filter(([list]) => list.length > 0);
  throw usageError(`${reasons.join('; ')}; nothing replayed`, hints.join('; '), present.length === 1 ? present[0][1] : 'not_replayable');
}

const readBodyFile = (path: string): Buffer => readUserFile(path, '--body-file');
