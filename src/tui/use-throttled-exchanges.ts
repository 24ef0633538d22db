// Subscribes to the model and turns its event stream into at most ~20 state updates a second.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExchangeSummary } from '../exchange.js';
import { appendOlder, applyLive, headWindow, loadNewer, PAGE_SIZE, type ExchangeWindow } from './exchange-window.js';
import type { HeaderInfo, TuiModel } from './model.js';

/** 50 ms: at most 20 frames a second however fast exchanges arrive (the 500 requests a second). */
export const FRAME_MS = 50;

export interface ExchangeFeed {
  info: HeaderInfo;
  window: ExchangeWindow;
  /** Loads the page below the last row (scrolling down into history). */
  loadOlder(): void;
  /** Loads the page above the first row, after the window left the head. */
  loadNewer(): void;
  /** Back to the newest page (resuming auto-scroll). */
  toHead(): void;
}

/**
 * Buffers the model's events and applies them in one batch per frame. The tunnel never waits for this: the
 * listener only pushes into an array. `keepId` (the selection) decides which end of the window gets trimmed.
 */
export function useThrottledExchanges(model: TuiModel, keepId: number | undefined, frameMs = FRAME_MS): ExchangeFeed {
  const [info, setInfo] = useState(() => model.info());
  const [window, setWindow] = useState(() => headWindow((o) => model.list(o)));
  const keep = useRef(keepId);
  keep.current = keepId;

  useEffect(() => {
    let pending: ExchangeSummary[] = [];
    let latestInfo: HeaderInfo | undefined;
    let timer: NodeJS.Timeout | undefined;
    let lastFlush = 0;
    const flush = () => {
      timer = undefined;
      lastFlush = Date.now();
      const batch = pending;
      pending = [];
      if (batch.length > 0) setWindow((w) => applyLive(w, batch, keep.current));
      if (latestInfo) setInfo(latestInfo);
      latestInfo = undefined;
    };
    const schedule = () => {
      timer ??= setTimeout(flush, Math.max(0, lastFlush + frameMs - Date.now()));
    };
    const unsubscribe = model.subscribe({
      exchange(exchange) {
        pending.push(exchange);
        schedule();
      },
      info(next) {
        latestInfo = next;
        schedule();
      },
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [model, frameMs]);

  const list = useCallback((o: { limit: number; beforeId?: number }) => model.list(o), [model]);
  const loadOlder = useCallback(
    () =>
      setWindow((w) => {
        const oldest = w.rows.at(-1);
        if (!w.hasOlder || !oldest) return w;
        return appendOlder(w, list({ limit: PAGE_SIZE, beforeId: oldest.id }), keep.current);
      }),
    [list],
  );
  const loadNewerRows = useCallback(() => setWindow((w) => (w.atHead ? w : loadNewer(w, list))), [list]);
  const toHead = useCallback(() => setWindow((w) => (w.atHead ? w : headWindow(list))), [list]);

  return { info, window, loadOlder, loadNewer: loadNewerRows, toHead };
}
