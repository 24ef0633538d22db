// The targets recorded for exchanges hooktunnel answered itself (a mock route, or no route took the path): no app
// sits behind them, so anything that rebuilds where the request went must look elsewhere (the public URL, or --to).

/** Recorded as the target of exchanges a mock route answered, and of those no route took. */
export const MOCK_TARGET = 'mock';
export const NO_ROUTE_TARGET = 'no-route';

/** True when this recorded target is not a URL but hooktunnel itself. */
export function answeredHere(target: string): boolean {
  return target === MOCK_TARGET || target === NO_ROUTE_TARGET;
}
