// Chaos-test helpers: a real `hooktunnel relay` process that can be killed and started again on the same port and data
// directory, listen processes that can be SIGKILLed, and the relay's queue depth from /metrics. Cleanup always runs.

import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { relayCli } from '../relay/relay-process.js';
import { sha256 } from '../helpers/http.js';
export { onCleanup } from '../helpers/cleanup.js';
import { onCleanup } from '../helpers/cleanup.js';

export function home() {
  const h = tempHome();
  onCleanup(h.cleanup);
  return { ...h, relayDir: join(h.dir, 'relay-state') };
}

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stderr(): string;
  /** The exit code, once the process is gone. */
  exit: Promise<number | null>;
  /** SIGKILL: a crash, nothing flushed beyond what SQLite already has. */
  crash(): Promise<void>;
}

/** `hooktunnel relay` on loopback (anonymous is allowed there), state in `dataDir`; port 0 picks one. */
export async function startRelay(dataDir: string, env: Record<string, string>, port = 0, args: string[] = []): Promise<RelayProcess> {
  const relay = await relayCli(['--port', String(port), '--data-dir', dataDir, ...args], env);
  return {
    ...relay,
    port: Number(new URL(relay.url).port),
    async crash() {
      relay.child.kill('SIGKILL');
      await relay.exit;
    },
  };
}

/** Requests the relay holds in its durable queue (all tunnels), from /metrics. */
export async function queuedRequests(relayUrl: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  return Number(/^hooktunnel_queued_requests (\d+)$/m.exec(text)?.[1] ?? NaN);
}

/** startListen with cleanup, and a SIGKILL that waits for the process to be gone. */
export async function listen(args: string[], env: Record<string, string>): Promise<ListenProcess & { kill(): Promise<void> }> {
  const process_ = await startListen(args, env);
  onCleanup(() => process_.stop());
  return Object.assign(process_, {
    async kill() {
      process_.child.kill('SIGKILL');
      await process_.stop();
    },
  });
}

/** Request events (one per finished attempt) printed by a listen process. */
export const requestEvents = (events: Record<string, unknown>[]) => events.filter((e) => e.type === 'request');

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A local app that notes every request it starts, and every body it receives in full (a cut-off body never ends).
 * It answers once `answer` resolves (at once by default).
 */
export async function watchfulApp(answer: () => Promise<void> = () => Promise.resolve()) {
  const started: string[] = [];
  const completed: { url: string; sha256: string; size: number }[] = [];
  const server = http.createServer((req, res) => {
    started.push(req.url!);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      completed.push({ url: req.url!, sha256: sha256(body), size: body.length });
      void answer().then(() => res.end('ok'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { port: (server.address() as AddressInfo).port, started, completed };
}
