// Scenario 9: three relay nodes on one Redis (`relay --redis`), the tunnel's client on node C. Rotating within each
// round: load sent to C itself, to A (every request crosses the node-to-node hop to C), and spread over A, B and C at
// once. Reports throughput per node and what the hop costs in CPU per 1,000 requests.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Context, Env } from '../context.js';
import { startListen, startRelay, type RunningRelay } from '../environment.js';
import { runLoad, type Generator, type LoadResult } from '../load.js';
import { jsonPayload1k } from '../payloads.js';
import { cpuTicks } from '../proc-stats.js';
import { median, round, sum } from '../stats.js';

export type ClusterPath = 'holder' | 'hop' | 'spread';

export interface ClusterRun {
  path: ClusterPath;
  round: number;
  /** Delivered requests per second, per node the load went to (spread: each node's share). */
  rpsByNode: Record<string, number>;
  rps: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds of each node and of the CLI during this run. */
  cpuMs: { a: number; b: number; c: number; cli: number };
  ok: number;
}

export interface ClusterResult {
  runs: ClusterRun[];
  /** Medians over rounds. */
  rps: Record<ClusterPath, number>;
  /** Spread run: each node's share (req/s). */
  spreadPerNode: Record<string, number>;
  /** Median over rounds of hop rps / holder rps in the same round. */
  hopRatio: number;
  /** CPU ms per 1,000 requests: node A passing requests on, node C's extra for serving a hop, and their sum. */
  hopCpuPer1k: { front: number; holderExtra: number; total: number };
  /** CPU ms per 1,000 requests on node C when the load comes to it directly. */
  holderCpuPer1k: number;
  /** The load generator (wrk when installed, as for the headline rows). */
  generator: Generator['kind'];
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const pong = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`redis-server: ${error.message} (apt-get install redis-server)`))));
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([pong(port), failed]))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, child };
}

export async function clusterScenario(ctx: Context, env: Env, generator: Generator): Promise<ClusterResult> {
  const { group, tmp, config } = ctx;
  const { durationS, connections } = config.throughput;
  // --quick stays under a minute in all: one round is enough to show the path works.
  const rounds = config.quick ? 1 : config.throughput.rounds;
  const redis = await startRedis();
  try {
    const nodes: RunningRelay[] = [];
    for (const name of ['a', 'b', 'c']) {
      const port = await freePort();
      const flags = ['--port', String(port), '--rate-limit', '0', '--redis', redis.url, '--node-url', `http://127.0.0.1:${port}`, '--cluster-secret', 'bench-cluster-secret-0123456789'];
      nodes.push(await startRelay(group, tmp, { name: `node-${name}`, flags }));
    }
    const [a, b, c] = nodes;
    ctx.notes.push(`3-node cluster: redis-server without persistence, nodes hooktunnel ${c.command.replace(/--port \d+ |--node-url \S+ /g, '')}`);
    const cli = await startListen(group, tmp, { name: 'cli-cluster', target: env.target.url, relayUrl: c.url, store: false });
    const tunnelPath = new URL(cli.url).pathname;
    const via = (node: RunningRelay) => `${node.url}${tunnelPath}`;
    const payload = jsonPayload1k();
    const pids = { a: a.child.pid, b: b.child.pid, c: c.child.pid, cli: cli.child.pid };
    const toMs = (ticks: number) => (ticks * 1000) / ctx.ticksPerSecond;
    const ticks = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuTicks(pid)])) as typeof pids;

    for (const node of [c, a]) await runLoad({ base: via(node), connections, durationS: config.warmupS, payload, generator });
    const runs: ClusterRun[] = [];
    const paths: ClusterPath[] = ['holder', 'hop', 'spread'];
    for (let r = 0; r < rounds; r++) {
      for (const path of paths.map((_, i) => paths[(i + r) % paths.length])) {
        const before = ticks();
        let results: [string, LoadResult][];
        if (path === 'spread') {
          const share = Math.max(1, Math.round(connections / 3));
          results = await Promise.all(
            (['a', 'b', 'c'] as const).map(async (name, i) => [name, await runLoad({ base: via(nodes[i]), connections: share, durationS, payload, generator })] as [string, LoadResult]),
          );
        } else {
          results = [[path === 'holder' ? 'c' : 'a', await runLoad({ base: via(path === 'holder' ? c : a), connections, durationS, payload, generator })]];
        }
        const after = ticks();
        const run: ClusterRun = {
          path,
          round: r,
          rpsByNode: Object.fromEntries(results.map(([name, result]) => [name, result.rps])),
          rps: sum(results.map(([, result]) => result.rps)),
          ok: sum(results.map(([, result]) => result.ok)),
          non2xx: sum(results.map(([, result]) => result.non2xx)),
          errors: sum(results.map(([, result]) => result.errors)),
          cpuMs: { a: toMs(after.a - before.a), b: toMs(after.b - before.b), c: toMs(after.c - before.c), cli: toMs(after.cli - before.cli) },
        };
        runs.push(run);
        ctx.log(`  cluster round ${r + 1}/${rounds} ${path}: ${run.rps} req/s (${JSON.stringify(run.rpsByNode)}), non-2xx ${run.non2xx}, CPU ms A ${run.cpuMs.a} / C ${run.cpuMs.c}`);
      }
    }
    await cli.child.stop();
    await Promise.all(nodes.map((node) => node.child.stop()));

    const of = (path: ClusterPath) => runs.filter((run) => run.path === path);
    const per1k = (path: ClusterPath, node: 'a' | 'c') => {
      const ok = sum(of(path).map((run) => run.ok));
      return ok > 0 ? (sum(of(path).map((run) => run.cpuMs[node])) / ok) * 1000 : Number.NaN;
    };
    const front = per1k('hop', 'a');
    const holderExtra = per1k('hop', 'c') - per1k('holder', 'c');
    const spread = of('spread');
    return {
      runs,
      rps: { holder: median(of('holder').map((run) => run.rps)), hop: median(of('hop').map((run) => run.rps)), spread: median(spread.map((run) => run.rps)) },
      spreadPerNode: Object.fromEntries(['a', 'b', 'c'].map((name) => [name, median(spread.map((run) => run.rpsByNode[name]))])),
      hopRatio: round(median(of('hop').map((run) => run.rps / of('holder').find((h) => h.round === run.round)!.rps)), 3),
      hopCpuPer1k: { front: round(front, 1), holderExtra: round(holderExtra, 1), total: round(front + holderExtra, 1) },
      holderCpuPer1k: round(per1k('holder', 'c'), 1),
      generator: generator.kind,
    };
  } finally {
    redis.child.kill('SIGKILL');
  }
}
