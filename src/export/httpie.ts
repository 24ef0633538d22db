// Exports a recorded request as an HTTPie command that resends the same method, headers and exact body bytes.

import { headerValue, type Exchange } from '../exchange.js';
import type { CommandOptions } from './curl.js';
import { headersToSend, requestUrl } from './request-parts.js';
import { isPrintableText, printfFormat, quoteArg, quoteMethod, singleQuote } from './shell-quote.js';

/**
 * One header request item. HTTPie reads `Name;` as an empty header and `Name:` as "remove", and a value starting with
 * `=` would turn `Name:=` into a JSON field, so that `=` is escaped with a backslash.
 */
function headerItem(name: string, value: string): string {
  if (value === '') return quoteArg(`${name};`);
  return quoteArg(`${name}:${value.startsWith('=') ? '\\' : ''}${value}`);
}

/**
 * An HTTPie (3.2+, for `--raw`) command that sends the exchange's request to `baseUrl` (else where it went) + its path, keeping duplicate
 * headers and leaving Content-Length, Host and hop-by-hop headers to HTTPie. A printable UTF-8 body goes inline with
 * `--raw`; any other body is piped in from `printf` (HTTPie decodes arguments as text, which would alter the bytes)
 * or redirected from `options.bodyFile`.
 */
export function toHttpie(exchange: Exchange, baseUrl?: string, options: CommandOptions = {}): string {
  const body = exchange.requestBody;
  const method = exchange.method.toUpperCase();
  const hasBody = body.length > 0 || (method !== 'GET' && method !== 'HEAD');
  const headers = headersToSend(exchange.requestHeaders);
  const inline = hasBody && options.bodyFile === undefined && isPrintableText(body);
  const fromStdin = hasBody && !inline;
  // Without --ignore-stdin HTTPie reads a non-terminal stdin as the body, e.g. when run from a script.
  const first = fromStdin ? ['http'] : ['http', '--ignore-stdin'];
  first.push(quoteMethod(exchange.method), quoteArg(requestUrl(exchange, baseUrl)));
  const args = [first.join(' ')];
  for (const [name, value] of headers) args.push(headerItem(name, value));
  // HTTPie would otherwise label a raw body application/json; `Name:` with no value removes a default header.
  if (hasBody && headerValue(headers, 'content-type') === undefined) args.push(`'Content-Type:'`);
  if (inline) args.push(`--raw ${singleQuote(body.toString('utf8'))}`);
  const command = args.join(' \\\n  ');
  if (!fromStdin) return command;
  if (options.bodyFile !== undefined) return `${command} \\\n  < ${quoteArg(options.bodyFile)}`;
  return `printf ${printfFormat(body)} | ${command}`;
}
