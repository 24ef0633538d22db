// How a status reads in the TUI: colour by class, with hooktunnel's own errors and missing answers standing out.

import type { ExchangeSummary } from '../exchange.js';

/** The text of the status column: the code, `…` while pending, `int` when the recorder stopped. */
export function statusText(e: ExchangeSummary): string {
  if (e.state === 'interrupted') return 'int';
  // The tunnel dropped mid-body: whatever the status says, the local app never got this request whole.
  if (e.requestIncomplete) return 'cut';
  if (e.status === null) return e.state === 'pending' ? '…' : 'ERR';
  return e.state === 'failed' ? `${e.status}!` : String(e.status);
}

/** An Ink colour name: red for failures and 5xx, yellow for 4xx and no answer yet, cyan 3xx, green 2xx. */
export function statusColour(e: ExchangeSummary): string {
  if (e.state === 'failed' || (e.status !== null && e.status >= 500)) return 'red';
  if (e.state === 'interrupted' || e.status === null || e.status >= 400) return 'yellow';
  if (e.status >= 300) return 'cyan';
  return 'green';
}
