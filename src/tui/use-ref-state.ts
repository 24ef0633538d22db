// State whose latest value a key handler can read at once, before React has re-rendered.

import { useCallback, useRef, useState } from 'react';

/**
 * Like useState, plus a ref that always holds the newest value. Keys can arrive faster than frames (a paste, key
 * repeat): after `/` the next key must already count as filter text, not as a list command.
 */
export function useRefState<T>(initial: T): [T, (next: T | ((prev: T) => T)) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = useCallback((next: T | ((prev: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (prev: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}
