// A child process that holds many idle tunnels open on one relay, speaking the real protocol (HELLO → WELCOME).
//
//   node dist/bench/tunnel-swarm.js <ws-url> <count> <batch>
//
// Connects `batch` at a time (each batch waits for its WELCOMEs), so handshakes stay inside the relay's deadline;
// a 429/503 at the upgrade (a per-IP cap on half-open handshakes) is retried after a short pause.
// Prints one JSON line {"type":"done",...} and keeps the tunnels open until SIGINT or SIGTERM.

import WebSocket from 'ws';
import { decode, encode, MessageType, PROTOCOL_VERSION } from '../src/protocol.js';

const [url, countArg, batchArg] = process.argv.slice(2);
const count = Number(countArg);
const batch = Number(batchArg);
const sockets: WebSocket[] = [];
const errors: string[] = [];
let failed = 0;
let retries = 0;

// A relay may cap half-open handshakes per IP (429) or shed load (503): wait a little and try again.
const MAX_ATTEMPTS = 30;
const RETRY_MS = 100;

/** Opens one tunnel; resolves true once the relay's WELCOME arrives. */
async function openTunnel(): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOpen();
    if (outcome === true) return true;
    if (outcome === 'retry' && attempt < MAX_ATTEMPTS) {
      retries++;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS * (1 + Math.random())));
      continue;
    }
    failed++;
    if (errors.length < 5) errors.push(outcome === 'retry' ? `still refused after ${MAX_ATTEMPTS} attempts` : outcome);
    return false;
  }
}

/** One attempt: true, 'retry' for a 429/503 before the upgrade, or why it failed. */
function tryOpen(): Promise<true | 'retry' | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const settle = (outcome: true | 'retry' | string) => {
      clearTimeout(timer);
      if (outcome !== true) ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle('no WELCOME within 10 s'), 10_000);
    ws.on('unexpected-response', (_req, res) => {
      settle(res.statusCode === 429 || res.statusCode === 503 ? 'retry' : `upgrade answered ${res.statusCode}`);
    });
    ws.on('open', () => ws.send(encode(MessageType.Hello, 0, { version: PROTOCOL_VERSION, timeoutMs: 30_000 })));
    ws.once('message', (data: Buffer) => {
      try {
        const message = decode(data);
        if (message.type === MessageType.Welcome) {
          sockets.push(ws);
          return settle(true);
        }
        settle(`answered ${MessageType[message.type]}${'meta' in message ? `: ${JSON.stringify(message.meta)}` : ''}`);
      } catch (error) {
        settle(`bad first frame: ${(error as Error).message}`);
      }
    });
    ws.on('error', (error) => settle(error.message));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  for (let opened = 0; opened < count; opened += batch) {
    const size = Math.min(batch, count - opened);
    await Promise.all(Array.from({ length: size }, () => openTunnel()));
  }
  process.stdout.write(`${JSON.stringify({ type: 'done', connected: sockets.length, failed, retries, ms: Date.now() - started, errors })}\n`);
}

const stop = () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
void main();
