// Scenario 6: N idle tunnels on one fresh relay, opened from separate processes; relay RSS per tunnel.

import { request } from 'node:http';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { startRelay, SWARM_SCRIPT } from '../environment.js';
import { memory, openFileLimit, round1, type Memory } from '../proc-stats.js';
import { sleep, withTimeout, type Child } from '../processes.js';
import { CONNECT_PATH } from '../../src/protocol.js';

export interface ManyTunnelsResult {
  requested: number;
  /** After lowering for the open-file limit, if needed. */
  attempted: number;
  connected: number;
  /** What the relay's /healthz reported once every swarm was done. */
  relayReports: number;
  swarms: number;
  connectMs: number;
  before: Memory;
  after: Memory;
  rssPerTunnelKiB: number;
  /** Relay RSS at 10,000 tunnels: measured when N was 10,000, else before + 10,000 × per tunnel. */
  rssAt10kMiB: number;
  rssAt10kMeasured: boolean;
  /** The relay's command line, with the caps raised for the run. */
  relayCommand: string;
}

// Global concurrent handshakes, split across swarms; the relay's handshake deadline is 5 s.
const HANDSHAKES_IN_FLIGHT = 200;
// Descriptors the relay needs besides one per tunnel (listener, stdio, libuv, the loader).
const FD_HEADROOM = 256;

export async function manyTunnelsScenario(ctx: Context): Promise<ManyTunnelsResult> {
  const requested = ctx.config.tunnels;
  const limit = openFileLimit();
  let attempted = requested;
  if (requested + FD_HEADROOM > limit) {
    attempted = Math.max(1, limit - FD_HEADROOM);
    const note = `open-file limit is ${limit}: many-tunnels lowered from ${requested} to ${attempted} (raise it with ulimit -n)`;
    ctx.notes.push(note);
    ctx.log(`  note: ${note}`);
  }
  // Every idle tunnel comes from 127.0.0.1: the per-IP and per-token caps are raised past N for this run.
  const caps = ['--max-pending-per-ip', String(HANDSHAKES_IN_FLIGHT * 2), '--max-tunnels-per-token', String(attempted + 100)];
  const relay = await startRelay(ctx.group, ctx.tmp, { name: 'relay-many', flags: caps });
  ctx.notes.push(`many-tunnels relay: hooktunnel ${relay.command}`);
  const swarms: Child[] = [];
  try {
    await sleep(1000);
    const before = memory(relay.child.pid);
    const count = attempted >= 2000 ? 4 : 2;
    const wsUrl = `${relay.url.replace(/^http/, 'ws')}${CONNECT_PATH}`;
    const batch = Math.max(10, Math.floor(HANDSHAKES_IN_FLIGHT / count));
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      const share = Math.floor(attempted / count) + (i < attempted % count ? 1 : 0);
      swarms.push(
        ctx.group.spawn({ name: `swarm-${i}`, args: [SWARM_SCRIPT, wsUrl, String(share), String(batch)], stderrFile: join(ctx.tmp, `swarm-${i}.err`) }),
      );
    }
    const deadline = 30_000 + attempted * 10;
    const reports = await withTimeout(
      Promise.all(swarms.map((s) => s.waitForLine((l) => l.includes('"type":"done"'), deadline))),
      deadline + 5000,
      'opening the idle tunnels',
    );
    const connectMs = Date.now() - started;
    const done = reports.map((line) => JSON.parse(line) as { connected: number; failed: number; errors: string[] });
    const connected = done.reduce((n, d) => n + d.connected, 0);
    for (const d of done) if (d.failed > 0) ctx.notes.push(`many-tunnels: ${d.failed} tunnels failed to open: ${d.errors.join('; ')}`);
    await sleep(2000); // let the relay's allocations settle before reading RSS
    const relayReports = await tunnelCount(relay.url);
    const after = memory(relay.child.pid);
    const perTunnelMiB = connected > 0 ? (after.rssMiB - before.rssMiB) / connected : Number.NaN;
    const measured = connected >= 10_000;
    ctx.log(`  ${connected} tunnels open in ${connectMs} ms; relay RSS ${before.rssMiB} → ${after.rssMiB} MiB`);
    return {
      requested,
      attempted,
      connected,
      relayReports,
      swarms: count,
      connectMs,
      before,
      after,
      rssPerTunnelKiB: round1(perTunnelMiB * 1024),
      rssAt10kMiB: measured ? after.rssMiB : round1(before.rssMiB + perTunnelMiB * 10_000),
      rssAt10kMeasured: measured,
      relayCommand: relay.command,
    };
  } finally {
    await Promise.all(swarms.map((s) => s.stop()));
    await relay.child.stop();
  }
}

function tunnelCount(relayUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${relayUrl}/healthz`, { timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(Number((JSON.parse(text) as { tunnels?: number }).tunnels ?? Number.NaN)));
    })
      .on('error', reject)
      .end();
  });
}
