// The detail pane's content: request (with its webhook facts) or response as styled lines, network strings sanitised.

import { headerValueText } from '../http-headers.js';
import { formatDuration } from '../duration.js';
import { headerValue, type Exchange, type HeaderPairs } from '../exchange.js';
import { isGzip } from '../gzip-body.js';
import { viewBody, type ViewLimits } from '../output/body-view.js';
import { formatDateTime } from '../output/format.js';
import { sanitize } from '../sanitize.js';
import { challengeProblem } from '../webhooks/slack-challenge.js';
import { eventContext } from '../webhooks/event-context.js';
import { webhookInputFromExchange } from '../webhooks/verify.js';
import { colourJsonLine } from './json-colour.js';
import { line, type StyledLine } from './styled-line.js';
import { statusColour, statusText } from './status-style.js';
import { attemptsLine, webhookLines } from './webhook-view.js';

/** Which half of the exchange the pane shows. */
export type DetailTab = 'request' | 'response';

/** Bodies beyond this are shown in part: pretty-printing 25 MB on every selection change would freeze the UI. */
export const BODY_VIEW_LIMIT = 256 * 1024;
/**
 * So is pretty JSON past four times as many characters (a webhook's JSON prints at two or three times its size): a
 * body nested deep prints at a thousand times its size, and this runs in listen's own process, whose forwarding stops
 * while it does.
 */
export const PRETTY_VIEW_LIMIT = 4 * BODY_VIEW_LIMIT;
const PANE_LIMITS: ViewLimits = { bytes: BODY_VIEW_LIMIT, prettyChars: PRETTY_VIEW_LIMIT };

function decodedPath(path: string): string | undefined {
  try {
    const decoded = decodeURIComponent(path);
    return decoded === path ? undefined : decoded;
  } catch {
    return undefined;
  }
}

function queryLines(path: string): StyledLine[] {
  const query = path.indexOf('?');
  if (query < 0) return [];
  const params = [...new URLSearchParams(path.slice(query + 1))];
  if (params.length === 0) return [];
  return [line('query', { dim: true }), ...params.map(([k, v]) => [{ text: `  ${sanitize(k)}`, color: 'cyan' }, { text: ` = ${sanitize(v)}` }])];
}

function headerLines(headers: HeaderPairs): StyledLine[] {
  return headers.map(([name, value]) => [{ text: sanitize(name), color: 'cyan' }, { text: `: ${sanitize(headerValueText(value))}` }]);
}

function bodyLines(body: Buffer, headers: HeaderPairs, sha256: string | null): StyledLine[] {
  if (body.length === 0) return [line('(empty body)', { dim: true })];
  const view = viewBody(body, headerValue(headers, 'content-type'), isGzip(headers), PANE_LIMITS);
  const title = line(`body: ${view.summary}${sha256 ? `, sha256 ${sha256.slice(0, 16)}…` : ''}`, { dim: true });
  const lines = view.kind === 'json' ? view.lines.map(colourJsonLine) : view.lines.map((text) => line(text));
  return [title, ...lines];
}

function requestLines(e: Exchange): StyledLine[] {
  const lines: StyledLine[] = [
    [
      { text: sanitize(e.method), bold: true },
      { text: ` ${sanitize(e.path)}` },
      { text: `  → ${sanitize(e.target)}${e.route ? `  (route ${sanitize(e.route)})` : ''}`, dim: true },
    ],
  ];
  const decoded = decodedPath(e.path);
  if (decoded !== undefined) lines.push([{ text: 'decoded ', dim: true }, { text: sanitize(decoded) }]);
  const via = e.url ? `  via ${sanitize(e.url)}` : '';
  const replay = e.replayOf ? `  (replay of #${e.replayOf})` : '';
  lines.push(line(`#${e.id}  received ${formatDateTime(e.receivedAt)}${via}${replay}`, { dim: true }));
  lines.push(...webhookLines(e, e.webhook ? eventContext(webhookInputFromExchange(e)) : []));
  // Slack's URL check fails on an answer without the challenge, whatever its status: said here as show says it.
  const challenge = challengeProblem(e);
  if (challenge) lines.push(line(challenge, { color: 'yellow' }));
  if (e.redacted?.length) lines.push(line(`stored redacted: ${e.redacted.map((r) => sanitize(r)).join(', ')}`, { color: 'yellow' }));
  // The body before the headers: it is what a webhook is about, and it should not need scrolling to. Concatenated, not
  // spread into push(): a body of many short lines (a JSON array of numbers) is more arguments than a call can take.
  return lines.concat(queryLines(e.path), [[]], bodyLines(e.requestBody, e.requestHeaders, e.requestSha256), [[]], headerLines(e.requestHeaders));
}

function responseLines(e: Exchange): StyledLine[] {
  const outcome: StyledLine = [{ text: statusText(e), color: statusColour(e), bold: true }];
  if (e.durationMs !== null) outcome.push({ text: `  ${formatDuration(e.durationMs)}` });
  if (e.errorCode) outcome.push({ text: `  ${sanitize(e.errorCode)}: ${sanitize(e.errorMessage ?? '')}`, color: 'red' });
  const attempts = attemptsLine(e);
  const lines: StyledLine[] = attempts ? [outcome, attempts, []] : [outcome, []];
  if (e.state === 'interrupted') return [...lines, line('interrupted: the recording process stopped before an answer arrived', { color: 'yellow' })];
  if (!e.responseHeaders) {
    const why = e.errorCode ? '(no response from the local app; hooktunnel answered with the error above)' : '(no response yet)';
    return [...lines, line(why, { dim: true })];
  }
  return [...lines, ...bodyLines(e.responseBody ?? Buffer.alloc(0), e.responseHeaders, e.responseSha256), [], ...headerLines(e.responseHeaders)];
}

/** Everything the pane can show for one tab, before wrapping to the pane's width. */
export function detailLines(e: Exchange, tab: DetailTab): StyledLine[] {
  return tab === 'request' ? requestLines(e) : responseLines(e);
}
