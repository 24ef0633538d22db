// Wraps the terminal hand-over so Ink draws its whole frame again once the terminal is back.

import { useStdout } from 'ink';
import { useMemo } from 'react';
import type { Suspend } from './model.js';

/**
 * After an external program drew over the screen, Ink still believes its last frame is there and would only redraw
 * on the next change. Writing through Ink (even nothing) makes it erase what it thinks it drew and write the last
 * frame whole, so the screen is right at once.
 */
export function useRedrawnSuspend(onSuspend: Suspend | undefined): Suspend | undefined {
  const { write } = useStdout();
  return useMemo<Suspend | undefined>(() => {
    if (!onSuspend) return undefined;
    return async (run) => {
      try {
        return await onSuspend(run);
      } finally {
        write('');
      }
    };
  }, [onSuspend, write]);
}
