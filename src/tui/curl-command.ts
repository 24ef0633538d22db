// The command `c` copies: the exchange as curl, with a large body streamed from the store instead of inlined.

import type { Exchange } from '../exchange.js';
import { toCurl } from '../export/curl.js';
import { quoteArg } from '../export/shell-quote.js';

/** Bodies up to this size are inlined; larger ones would make an OSC 52 payload most terminals refuse. */
export const INLINE_BODY_LIMIT = 64 * 1024;

/**
 * A curl command that resends the request to its target (or `baseUrl`); big bodies come from `hooktunnel show --raw`,
 * byte for byte. The web inspector's "copy as curl" uses it too: 25 MiB inlined took seconds to show in its text box.
 */
export function curlCommand(exchange: Exchange, dbPath: string, baseUrl?: string): string {
  if (exchange.requestBody.length <= INLINE_BODY_LIMIT) return toCurl(exchange, baseUrl);
  return `hooktunnel show ${exchange.id} --raw --db ${quoteArg(dbPath)} | ${toCurl(exchange, baseUrl, { bodyFile: '-' })}`;
}
