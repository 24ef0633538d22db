// setTimeout fires at once (with a TimeoutOverflowWarning) when asked for more than 2^31-1 ms, about 24.8 days: a
// user's `--timeout 30d` gave up immediately instead of never in practice. This timer re-arms until the whole
// delay has passed.

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

/** Runs `fn` once `ms` have passed, however long that is. */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  const dueAt = Date.now() + ms;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = dueAt - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
