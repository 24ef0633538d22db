// What the detail pane's buttons (and the r key) do: replay, edit & replay, retry, copy as curl. Results are said
// in the status line; the new or changed exchange itself arrives on the live feed.

import { api, type DeliveryFailure, type Replayed } from './api.js';
import type { DetailActions } from './detail.js';
import { statusText } from './detail.js';
import { el } from './dom.js';
import { openEditor } from './editor.js';
import { openModal } from './modal.js';
import type { Detail, Summary } from './types.js';

export interface PageContext {
  canWrite(): boolean;
  isMarked(id: number): boolean;
  select(id: number): void;
  toggleMark(id: number): void;
  say(text: string, kind?: 'info' | 'error'): void;
}

/** The server's words for a failed delivery (as `hooktunnel replay` and `retry` say it), with what to do next. */
function failureText(failure: DeliveryFailure): string {
  return `${failure.message}${failure.hint ? ` (${failure.hint})` : ''}`;
}

/**
 * Sent with its recorded signature past the provider's window (Stripe's 5 minutes), a replay is refused by the app's
 * check: the button that signs it afresh is named, as `hooktunnel replay` names --resign.
 */
function pastWindow(exchange: Summary): string {
  const webhook = exchange.webhook;
  // The problems isPastWindow (src/webhooks/signing.ts) names: only the timestamp fails, so signing afresh helps.
  const stale = webhook?.problem === 'too_old' || webhook?.problem === 'too_new';
  return stale ? `; its signature is past the provider's window (${webhook.reason}): "replay re-signed" sends it signed afresh` : '';
}

function sayReplayed(page: PageContext, id: number, { exchange, failure, resign }: Replayed): void {
  if (failure) return page.say(`replay of #${id} failed: ${failureText(failure)} (recorded as #${exchange.id})`, 'error');
  const signed = resign ? (resign.resigned ? ', re-signed' : `, not re-signed: ${resign.reason ?? ''}${resign.hint ? ` (${resign.hint})` : ''}`) : '';
  page.say(`#${id} replayed as #${exchange.id}: ${statusText(exchange)}${signed}${resign?.resigned ? '' : pastWindow(exchange)}`);
}

export function pageActions(page: PageContext): DetailActions {
  const { say } = page;
  return {
    get canWrite() {
      return page.canWrite();
    },
    isMarked: page.isMarked,
    select: page.select,
    toggleMark: page.toggleMark,
    replay(id: number, resign: boolean) {
      if (!page.canWrite()) return say('replay needs the URL hooktunnel printed (with ?k=…)', 'error');
      say(`replaying #${id}…`);
      api.replay(id, resign).then(
        (result) => sayReplayed(page, id, result),
        (error: Error) => say(`replay of #${id} failed: ${error.message}`, 'error'),
      );
    },
    edit(detail: Detail) {
      void openEditor(detail, (result) => sayReplayed(page, detail.summary.id, result)).catch((error: Error) => say(error.message, 'error'));
    },
    retry(id: number) {
      if (!page.canWrite()) return say('retry needs the URL hooktunnel printed (with ?k=…)', 'error');
      say(`retrying #${id}…`);
      api.retry(id).then(
        // A 5xx answer comes back as a failure too: the server counts it as `hooktunnel retry` does (exit 1).
        (result) =>
          result.failure ? say(`retry of #${id} failed: ${failureText(result.failure)}`, 'error') : say(`#${id} retried: ${statusText(result.exchange)}`),
        (error: Error) => say(`retry of #${id} failed: ${error.message}`, 'error'),
      );
    },
    curl(id: number) {
      api.curl(id).then(
        (command) => {
          const box = el('textarea', { class: 'curl', attrs: { readonly: '', rows: '12', 'aria-label': 'curl command' } });
          box.value = command;
          openModal(`#${id} as curl`, [box]);
          box.select();
          navigator.clipboard?.writeText(command).then(
            () => say(`copied #${id} as curl`),
            () => say('select the command and copy it (the browser refused the clipboard)'),
          );
        },
        (error: Error) => say(error.message, 'error'),
      );
    },
  };
}
