// The three keys that act on the world: replay the selected exchange, copy it as curl, open the public URL.

import { useCallback, useState } from 'react';
import type { ExchangeSummary } from '../exchange.js';
import { sanitize } from '../sanitize.js';
import { curlCommand } from './curl-command.js';
import type { TuiModel } from './model.js';
import { statusText } from './status-style.js';

export interface ActionCallbacks {
  /** Puts a curl command on the clipboard (OSC 52 in a real terminal). */
  onCopy(command: string): void;
  /** Opens a URL in the browser. */
  onOpen(url: string): Promise<unknown> | void;
}

export interface ExchangeActions {
  /** The last action's outcome, safe to print. */
  message: string;
  replay(e: ExchangeSummary | undefined): void;
  copy(e: ExchangeSummary | undefined): void;
  open(url: string | null): void;
}

const errorText = (error: unknown) => sanitize((error as Error)?.message ?? String(error));

/** Replay, copy and open, each reporting its outcome in `message` for the status line. */
export function useExchangeActions(model: TuiModel, callbacks: ActionCallbacks): ExchangeActions {
  const [message, setMessage] = useState('');
  const { onCopy, onOpen } = callbacks;

  const replay = useCallback(
    (e: ExchangeSummary | undefined) => {
      if (!e) return setMessage('nothing selected to replay');
      setMessage(`replaying #${e.id}…`);
      model.replay(e.id).then(
        (result) => {
          if (!result) return setMessage(`#${e.id} is no longer in the database`);
          const error = result.errorCode ? ` (${sanitize(result.errorCode)})` : '';
          setMessage(`#${e.id} replayed as #${result.id}: ${statusText(result)}${error}`);
        },
        (error: unknown) => setMessage(`replay of #${e.id} failed: ${errorText(error)}`),
      );
    },
    [model],
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
      Promise.resolve()
        .then(() => onOpen(url))
        .then(
          () => setMessage(`opened ${sanitize(url)}`),
          (error: unknown) => setMessage(`could not open a browser: ${errorText(error)}`),
        );
    },
    [model, onOpen],
  );

  return { message, replay, copy, open };
}
