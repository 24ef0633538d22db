// What stays on the normal screen after the TUI exits: a one-line summary and the curl commands that were copied.

import type { HeaderInfo } from './model.js';
import { sanitize } from '../sanitize.js';

/** "1 request", "3 replays": inspect counts only its own replays, not the database's exchanges. */
export const countedRequests = (info: HeaderInfo) =>
  `${info.requests} ${info.mode === 'listen' ? 'request' : 'replay'}${info.requests === 1 ? '' : 's'}`;

/**
 * Text for stdout after the alternate screen is gone. The curl commands are printed whole: the exporter quotes
 * every non-printable byte as an escape, so they carry no raw control characters.
 */
export function exitSummary(info: HeaderInfo, copied: readonly string[]): string {
  const counted = countedRequests(info);
  const what = info.mode === 'listen' ? `${counted}, ${info.failures} failed` : counted;
  const lines = [`hooktunnel ${info.mode}: ${what}; recorded in ${sanitize(info.dbPath)}`];
  if (copied.length > 0) {
    lines.push('', `curl command${copied.length > 1 ? 's' : ''} copied during this session:`, ...copied.flatMap((command) => [command, '']));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
