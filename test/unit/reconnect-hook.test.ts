// TunnelClient's beforeReconnect hook: what `listen` uses to bring the embedded relay back when its host stopped.

import { describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { TunnelClient } from '../../src/tunnel/tunnel-client.js';
import { freePort, waitFor } from '../helpers/http.js';
import { onCleanup } from '../helpers/cleanup.js';



describe('beforeReconnect', () => {
  it('runs before each reconnect attempt, and refused attempts stay on the first backoff step', async () => {
    const port = await freePort();
    let calls = 0;
    let relay: Relay | undefined;
    onCleanup(() => relay?.close());
    const client = new TunnelClient({
      relayUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 1000,
      retry: true,
      // Nothing on the port for two attempts, then the hook starts the relay there.
      beforeReconnect: async () => {
        if (++calls < 3) return;
        relay = createRelay({ port, host: '127.0.0.1' });
        await relay.start();
      },
    });
    onCleanup(() => client.close());
    const waits: { attempt: number; ms: number }[] = [];
    client.on('status', (s) => {
      if (s.state === 'reconnecting') waits.push({ attempt: s.attempt, ms: s.retryAt! - Date.now() });
    });
    let welcomed = false;
    client.on('welcome', () => (welcomed = true));
    client.start();
    await waitFor(() => welcomed, 'the client to be welcomed by the relay the hook started');
    expect(calls).toBe(3);
    expect(waits.map((w) => w.attempt)).toEqual([1, 2, 3]);
    // Grown backoff would allow up to 2 s and 4 s for attempts 2 and 3.
    for (const wait of waits) expect(wait.ms).toBeLessThanOrEqual(1000);
  });

  it('a rejecting hook does not stop the reconnects', async () => {
    const relay = createRelay({ port: 0, host: '127.0.0.1' });
    const url = await relay.start();
    onCleanup(() => relay.close());
    let calls = 0;
    const client = new TunnelClient({
      relayUrl: url,
      timeoutMs: 1000,
      retry: true,
      beforeReconnect: () => {
        calls++;
        return Promise.reject(new Error('no'));
      },
    });
    onCleanup(() => client.close());
    let welcomes = 0;
    client.on('welcome', () => welcomes++);
    client.start();
    await waitFor(() => welcomes === 1, 'the first welcome');
    expect(calls).toBe(0);
    // The relay's restart: GOAWAY with reconnect, then the same relay object cannot start again; a new one on its port.
    const port = relay.port;
    await relay.close();
    const again = createRelay({ port, host: '127.0.0.1' });
    await again.start();
    onCleanup(() => again.close());
    await waitFor(() => welcomes === 2, 'a welcome after the reconnect', 15_000);
    expect(calls).toBeGreaterThanOrEqual(1);
  });
});
