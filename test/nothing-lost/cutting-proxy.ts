// A plain TCP proxy between `listen` and the relay that can cut the tunnel at an exact byte: once N bytes have gone
// relay → CLI since it was armed, the CLI's connection is reset. The relay's side is either reset too (a proxy that
// notices) or left open and silent (a network that vanished: the relay hears nothing until it finds out for itself).

import { connect, createServer, type Socket } from 'node:net';
import { onCleanup } from './helpers.js';

export type CutMode = 'reset' | 'silent';

export interface CuttingProxy {
  /** http://127.0.0.1:port: pass it to `listen --relay`. */
  url: string;
  /** Connections accepted so far (each reconnect of the CLI is one more). */
  readonly connections: number;
  /** Cuts the live connection once `bytes` more bytes have gone relay → CLI; resolves when it is cut. */
  cutAfter(bytes: number, mode: CutMode): Promise<void>;
  /** Cuts every live connection now. */
  cutNow(mode: CutMode): void;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Past the cut point: nothing more goes to the CLI (a byte stream with a hole in it is not what a network does). */
  cutting: boolean;
}

export async function startCuttingProxy(relayPort: number): Promise<CuttingProxy> {
  const pairs = new Set<Pair>();
  let connections = 0;
  let armed: { left: number; mode: CutMode; done: () => void } | undefined;

  const cut = (pair: Pair, mode: CutMode) => {
    pair.cutting = true;
    pair.client.resetAndDestroy();
    if (mode === 'reset') pair.upstream.resetAndDestroy();
    // Silent: nothing more is read from the relay or sent to it (no pongs, no close), as when a laptop drops off Wi-Fi.
    else pair.upstream.pause();
  };

  const server = createServer((client) => {
    connections++;
    const upstream = connect(relayPort, '127.0.0.1');
    const pair: Pair = { client, upstream, cutting: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (!upstream.destroyed && !upstream.isPaused()) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (client.destroyed || pair.cutting) return;
      if (armed && chunk.length >= armed.left) {
        const { left, mode, done } = armed;
        armed = undefined;
        pair.cutting = true;
        client.write(chunk.subarray(0, left), () => {
          cut(pair, mode);
          done();
        });
        return;
      }
      if (armed) armed.left -= chunk.length;
      client.write(chunk);
    });
    const end = () => {
      // An orderly end on one side ends the other; a silent cut keeps the relay's side open on purpose.
      if (!client.destroyed) client.destroy();
    };
    upstream.on('close', end);
    upstream.on('error', end);
    client.on('error', () => {});
    client.on('close', () => {
      if (!upstream.isPaused()) upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    cutNow(mode) {
      for (const pair of pairs) if (!pair.client.destroyed) cut(pair, mode);
    },
    cutAfter(bytes, mode) {
      return new Promise((resolve) => (armed = { left: bytes, mode, done: resolve }));
    },
  };
}
