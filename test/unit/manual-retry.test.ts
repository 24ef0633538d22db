// A manual retry (`hooktunnel retry`, the inspector's retry) whose exchange a prune in another process deletes between
// the claim and the read of its request: as rare as it is narrow, so reached here by deleting the row inside the claim.

import { afterEach, describe, expect, it } from 'vitest';
import { manualRetry } from '../../src/delivery/manual-retry.js';
import { Store } from '../../src/store/store.js';
import { tempHome } from '../helpers/cli.js';
import { record } from '../cli/recorded.js';

const homes: ReturnType<typeof tempHome>[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

describe('a manual retry of an exchange deleted meanwhile', () => {
  it('is refused as not found, exit 1 like any unknown id, not as a usage mistake', async () => {
    const home = tempHome();
    homes.push(home);
    const [id] = record(home.db, [{ target: 'http://127.0.0.1:9' }]);
    const store = Store.open(home.db);
    try {
      const original = store.summary(id)!;
      const claim = store.deliveries.claim.bind(store.deliveries);
      store.deliveries.claim = (...args) => {
        const claimed = claim(...args);
        store.remove(id);
        return claimed;
      };
      await expect(manualRetry(store, original, { timeoutMs: 1_000 })).rejects.toMatchObject({
        message: `no exchange #${id} (it was deleted meanwhile, by a prune?); not retried`,
        exitCode: 1,
      });
    } finally {
      store.close();
    }
  });
});
