// Which deliveries an event's time is compared with for the out-of-order mark (see order-scope.ts).

import { describe, expect, it } from 'vitest';
import { orderScope } from '../../src/webhooks/order-scope.js';

describe('orderScope', () => {
  it('is the source and the object where the payload names one, whatever the event type', () => {
    const created = orderScope({ eventType: 'orders/create', source: 'shop-a.myshopify.com', resource: 'gid://shopify/Order/1' });
    expect(orderScope({ eventType: 'orders/paid', source: 'shop-a.myshopify.com', resource: 'gid://shopify/Order/1' })).toBe(created);
    expect(orderScope({ eventType: 'orders/create', source: 'shop-b.myshopify.com', resource: 'gid://shopify/Order/1' })).not.toBe(created);
    expect(orderScope({ eventType: 'orders/create', source: 'shop-a.myshopify.com', resource: 'gid://shopify/Order/2' })).not.toBe(created);
  });

  it('is the source and the event type where no object is named; an object id never passes for a type', () => {
    const typed = orderScope({ eventType: 'app_mention', source: 'T1' });
    expect(orderScope({ eventType: 'app_mention', source: 'T1', resource: null })).toBe(typed);
    expect(orderScope({ eventType: 'message', source: 'T1' })).not.toBe(typed);
    expect(orderScope({ eventType: 'x', resource: null })).not.toBe(orderScope({ eventType: null, resource: 'x' }));
  });
});
