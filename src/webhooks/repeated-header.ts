// A signature, timestamp or id header that came more than once: no verdict on one copy would be the app's.

import type { HeaderPairs } from '../exchange.js';
import type { Provider, Verification } from './provider.js';
import { invalid } from './signing.js';

/**
 * Invalid (problem repeated_header) when the request carries one of these providers' signed headers more than once,
 * else null. A sender signs once and sends each header once; a second copy was added on the way (a proxy) or by
 * someone hoping the app reads another copy than the one checked. The app's framework may take the first, the last,
 * or (Node) both joined with ", ", and stripe-node refuses an array of them outright, so checking the first copy
 * would give a verdict that is not the app's. The reason names the header and how often it came.
 */
export function repeatedHeaderVerdict(headers: HeaderPairs, providers: readonly Provider[]): Verification | null {
  for (const provider of providers) {
    for (const name of provider.signedHeaders) {
      const lower = name.toLowerCase();
      const count = headers.reduce((n, [header]) => (header.toLowerCase() === lower ? n + 1 : n), 0);
      if (count < 2) continue;
      const times = count === 2 ? 'twice' : `${count} times`;
      return invalid(provider.name, `${name} sent ${times}: a sender sends one, so a copy was added on the way (a proxy?) or the request is forged`, 'repeated_header');
    }
  }
  return null;
}
