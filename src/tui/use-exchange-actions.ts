// The keys that act on the world: replay the selected exchange (as recorded or edited), retry it, copy it as curl,
// open the URL.

import { useCallback, useState } from 'react';
import { alreadySucceeded } from '../delivery/manual-retry.js';
import type { ExchangeSummary } from '../exchange.js';
import { sanitize } from '../sanitize.js';
import { isPastWindow } from '../webhooks/signing.js';
import { curlCommand } from './curl-command.js';
import type { EditedReplay, Suspend, TuiModel } from './model.js';
import { statusText } from './status-style.js';

export interface ActionCallbacks {
  /** Puts a curl command on the clipboard (OSC 52 in a real terminal). */
  onCopy(command: string): void;
  /** Opens a URL in the browser; rejects, saying why, when no browser could be opened. */
  onOpen(url: string): Promise<unknown> | void;
  /** Hands the terminal to an external program (the editor) until `run` settles; default: just runs it. */
  onSuspend?: Suspend;
}

export interface ExchangeActions {
  /** The last action's outcome, safe to print. */
  message: string;
  replay(e: ExchangeSummary | undefined): void;
  retry(e: ExchangeSummary | undefined): void;
  editAndReplay(e: ExchangeSummary | undefined): void;
  copy(e: ExchangeSummary | undefined): void;
  open(url: string | null): void;
}

const errorText = (error: unknown) => sanitize((error as Error)?.message ?? String(error));

/** How an edited replay went: the new row, its status, and whether it carries a fresh signature. */
function editedText(original: ExchangeSummary, { exchange, edited, resign }: EditedReplay): string {
  const error = exchange.errorCode ? ` (${sanitize(exchange.errorCode)})` : '';
  const provider = original.webhook?.provider;
  let signing = '';
  if (resign?.resigned) signing = ' · re-signed';
  // Only a recognised webhook was signed to begin with; anything else has no signature to miss.
  else if (provider) signing = ` · not re-signed: ${sanitize(resign?.reason ?? `no secret configured for ${provider}`)}`;
  return `#${original.id} replayed ${edited ? 'edited' : 'unchanged'} as #${exchange.id}: ${statusText(exchange)}${error}${signing}`;
}

/**
 * `r` sends the recorded signature; once the provider's window has left it behind (Stripe's 5 minutes) the app's
 * check refuses the replay. `e`, saved unchanged, sends the same bytes signed afresh: said, since nothing else would.
 */
function staleHint(replay: ExchangeSummary): string {
  const stale = isPastWindow(replay.webhook?.problem);
  return stale ? ' · its signature is past the provider\'s window: e, saved unchanged, replays it re-signed' : '';
}

/** Replay, edit-and-replay, copy and open, each reporting its outcome in `message` for the status line. */
export function useExchangeActions(model: TuiModel, callbacks: ActionCallbacks): ExchangeActions {
  const [message, setMessage] = useState('');
  const { onCopy, onOpen, onSuspend } = callbacks;

  const replay = useCallback(
    (e: ExchangeSummary | undefined) => {
      if (!e) return setMessage('nothing selected to replay');
      setMessage(`replaying #${e.id}…`);
      model.replay(e.id).then(
        (result) => {
          if (!result) return setMessage(`#${e.id} is no longer in the database`);
          const error = result.errorCode ? ` (${sanitize(result.errorCode)})` : '';
          setMessage(`#${e.id} replayed as #${result.id}: ${statusText(result)}${error}${staleHint(result)}`);
        },
        (error: unknown) => setMessage(`replay of #${e.id} failed: ${errorText(error)}`),
      );
    },
    [model],
  );

  // Another attempt of the same exchange, as `hooktunnel retry`: for a failed delivery, where `r` would make a new row
  // and leave a pending automatic retry to send it to the app a second time.
  const retry = useCallback(
    (e: ExchangeSummary | undefined) => {
      if (!e) return setMessage('nothing selected to retry');
      // As `hooktunnel retry` without --force: a success is not sent again by accident.
      if (alreadySucceeded(e)) {
        return setMessage(`#${e.id} already succeeded (${e.status}); nothing sent: r replays it as a new row`);
      }
      setMessage(`retrying #${e.id}…`);
      model.retry(e.id).then(
        (result) => {
          if (!result) return setMessage(`#${e.id} is no longer in the database`);
          const error = result.errorCode ? ` (${sanitize(result.errorCode)})` : '';
          setMessage(`#${e.id} retried, attempt ${result.attempts ?? 1}: ${statusText(result)}${error}`);
        },
        (error: unknown) => setMessage(`#${e.id} not retried: ${errorText(error)}`),
      );
    },
    [model],
  );

  const editAndReplay = useCallback(
    (e: ExchangeSummary | undefined) => {
      if (!e) return setMessage('nothing selected to edit');
      setMessage(`editing the body of #${e.id}…`);
      const suspend: Suspend = async (run) => {
        const result = await (onSuspend ? onSuspend(run) : run());
        setMessage(`replaying #${e.id}…`);
        return result;
      };
      model.editAndReplay(e.id, suspend).then(
        (result) => setMessage(result ? editedText(e, result) : `#${e.id} is no longer in the database`),
        (error: unknown) => setMessage(`#${e.id} not replayed: ${errorText(error)}`),
      );
    },
    [model, onSuspend],
  );

  const copy = useCallback(
    (e: ExchangeSummary | undefined) => {
      const exchange = e ? model.get(e.id) : undefined;
      if (!exchange) return setMessage('nothing selected to copy');
      onCopy(curlCommand(exchange, model.info().dbPath));
      setMessage(`copied #${exchange.id} as curl (OSC 52); it is printed again on exit`);
    },
    [model, onCopy],
  );

  const open = useCallback(
    (url: string | null) => {
      if (!url) return setMessage(model.info().mode === 'inspect' ? 'inspect has no public URL' : 'no public URL yet');
      // The URL is the relay's word: only a web address goes to the system's opener, never file: or an app's scheme.
      if (!/^https?:\/\//i.test(url)) return setMessage(`not opened: ${sanitize(url)} is not an http(s) address`);
      setMessage(`opening ${sanitize(url)}…`);
      Promise.resolve()
        .then(() => onOpen(url))
        .then(
          () => setMessage(`opened ${sanitize(url)}`),
          // On a server or over SSH there is no browser here: the URL is the useful part, to copy into one elsewhere,
          // so it comes before the reason, which a narrow status line cuts first.
          (error: unknown) => setMessage(`no browser opened; copy the URL: ${sanitize(url)} (${errorText(error)})`),
        );
    },
    [model, onOpen],
  );

  return { message, replay, retry, editAndReplay, copy, open };
}
