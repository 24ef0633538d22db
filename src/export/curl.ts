// Exports a recorded request as a curl command that resends the same method, headers and exact body bytes.

import { headerValue, type Exchange } from '../exchange.js';
import { headersToSend, requestUrl } from './request-parts.js';
import { ansiCQuote, isPrintableText, printfFormat, quoteArg, quoteMethod, singleQuote } from './shell-quote.js';

export interface CommandOptions {
  /** Read the body from this file (which the caller writes with the exact bytes) instead of inlining it. */
  bodyFile?: string;
}

/** `-H` for one header; curl drops `Name:` with an empty value, so an empty header is written `Name;`. */
function headerFlag(name: string, value: string): string {
  return `-H ${quoteArg(value === '' ? `${name};` : `${name}: ${value}`)}`;
}

/** How the body travels: a curl argument, behind a printf pipe when it holds NUL bytes. */
function bodySource(body: Buffer, bodyFile: string | undefined): { arg: string; pipe: string } {
  if (bodyFile !== undefined) return { arg: `--data-binary ${quoteArg(`@${bodyFile}`)}`, pipe: '' };
  if (isPrintableText(body)) return { arg: `--data-binary ${singleQuote(body.toString('utf8'))}`, pipe: '' };
  // No shell argument can hold NUL, so such bodies come through stdin.
  if (body.includes(0)) return { arg: '--data-binary @-', pipe: `printf ${printfFormat(body)} | ` };
  return { arg: `--data-binary ${ansiCQuote(body)}`, pipe: '' };
}

/**
 * A curl command (POSIX shell; bash/zsh for `$'...'`) that sends the exchange's request to `baseUrl` (else its
 * own target, or its public URL when hooktunnel answered it) + its path.
 * Duplicate headers are kept; Content-Length, Host and hop-by-hop headers are left to curl. The body always goes
 * with `--data-binary` (never `-d`, which strips newlines): single-quoted when printable UTF-8, `$'\xHH'` escaped
 * otherwise, piped from `printf` when it holds NUL bytes (no shell argument can), or read from `options.bodyFile`.
 */
export function toCurl(exchange: Exchange, baseUrl?: string, options: CommandOptions = {}): string {
  const body = exchange.requestBody;
  const method = exchange.method.toUpperCase();
  // A POST with an empty body still sends `--data-binary ''`, so curl says Content-Length: 0 as the sender did.
  const hasBody = body.length > 0 || (method !== 'GET' && method !== 'HEAD');
  const headers = headersToSend(exchange.requestHeaders);
  const first = ['curl'];
  if (method === 'HEAD') first.push('--head');
  else if (method !== 'GET' || hasBody) first.push(`-X ${quoteMethod(exchange.method)}`);
  first.push(quoteArg(requestUrl(exchange, baseUrl)));
  const args = [first.join(' ')];
  for (const [name, value] of headers) args.push(headerFlag(name, value));
  // Without this curl would label the body application/x-www-form-urlencoded, which the sender never said.
  if (hasBody && headerValue(headers, 'content-type') === undefined) args.push(`-H 'Content-Type:'`);
  const source = hasBody ? bodySource(body, options.bodyFile) : { arg: null, pipe: '' };
  if (source.arg) args.push(source.arg);
  return source.pipe + args.join(' \\\n  ');
}
