// A real cluster on loopback for the scale-out tests: a real redis-server on a free port (no persistence), three real
// `hooktunnel relay --redis` processes, and a real nginx in front of them (round-robin upstream). Cleanup always runs.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { waitFor } from '../../helpers/http.js';
import { home, onCleanup, startRelay, type RelayProcess } from '../../nothing-lost/helpers.js';
import { freePort } from '../helpers.js';
import { findBinary, inCi } from '../proxy-helpers.js';

export const REDIS = findBinary(['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server'], '--version');
export const NGINX = findBinary(['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx'], '-v');
/** In CI a missing redis-server or nginx fails the test (.ci/run installs them); on a laptop the tests skip. */
export const skipCluster = (!REDIS || !NGINX) && !inCi;

export const SECRET = 'test-cluster-secret-0123456789';
export const TOKENS = ['tok-alice-0123456789', 'tok-bob-0123456789'];

/** Resolves once something on `port` answers PING with PONG (or asks for the password it was started with). */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
  });
}

export interface RedisProcess {
  port: number;
  url: string;
  /** SIGKILL, then a fresh, empty redis-server on the same port: as a restart without persistence. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that keeps its connections open but answers nothing (stalled, or a network black hole). */
  pause(): void;
  resume(): void;
}

/** `args` go to redis-server as well (`--requirepass x`). */
export async function startRedis(args: string[] = []): Promise<RedisProcess> {
  if (!REDIS) throw new Error('redis-server is not installed, and CI is set: install it (apt-get install -y redis-server), as .ci/run does');
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exit: Promise<void> = Promise.resolve();
  const redis: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const started = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
      child = started;
      let exited = false;
      exit = new Promise((resolve) => started.on('exit', () => ((exited = true), resolve())));
      await waitFor(async () => {
        if (exited) throw new Error(`redis-server exited on port ${port}`);
        return pong(port);
      }, `redis-server on port ${port}`);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      child?.kill('SIGKILL');
      await exit;
      child = undefined;
    },
  };
  await redis.start();
  onCleanup(() => redis.stop());
  return redis;
}

export interface Node extends RelayProcess {
  name: string;
  /** Its --data-dir: tokens stored there are this node's alone. */
  dataDir: string;
}

/** One relay node with its own data dir; --public-url is the load balancer's, so every node prints the same URLs. */
export async function startNode(name: string, redis: RedisProcess, publicUrl: string, extra: string[] = []): Promise<Node> {
  const h = home();
  const port = await freePort();
  const args = [
    '--redis', redis.url,
    '--node-url', `http://127.0.0.1:${port}`,
    '--cluster-secret', SECRET,
    '--public-url', publicUrl,
    '--trust-proxy', '127.0.0.1',
    ...extra,
  ];
  const relay = await startRelay(h.relayDir, { ...h.env, HOOKTUNNEL_RELAY_TOKENS: TOKENS.join(',') }, port, args);
  return { ...relay, name, dataDir: h.relayDir };
}

/** nginx in the foreground with a round-robin upstream over the nodes' ports, plain HTTP on `port`. */
export async function startNginx(port: number, upstreams: number[]): Promise<{ errorLog: () => string }> {
  if (!NGINX) throw new Error('nginx is not installed, and CI is set: install it (apt-get install -y nginx), as .ci/run does');
  const dir = home().dir;
  mkdirSync(join(dir, 'nginx'));
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, 'nginx', kind)};`).join('\n  ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  ${temp}
  map $http_upgrade $hooktunnel_connection { default upgrade; '' ''; }
  upstream relays {
    ${upstreams.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n    ')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 26m;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_http_version 1.1;
    proxy_read_timeout 1d;
    location / {
      proxy_pass http://relays;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $hooktunnel_connection;
    }
  }
}
`,
  );
  const args = ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`];
  const child = spawn(NGINX, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited = false;
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise((resolve) => child.on('exit', () => ((exited = true), resolve(undefined))));
  onCleanup(async () => {
    if (!exited) child.kill('SIGQUIT');
    await exit;
  });
  await waitFor(async () => {
    if (exited) throw new Error(`nginx exited: ${stderr}${errorLog()}`);
    return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
  }, 'nginx to serve');
  return { errorLog };
}

export interface Cluster {
  redis: RedisProcess;
  nodes: Node[];
  /** The load balancer's base URL (what senders and `listen --relay` use). */
  publicUrl: string;
  nginx: { errorLog: () => string };
}

/** Redis, nodes A, B and C, and nginx in front of them. */
export async function startCluster(extra: string[] = []): Promise<Cluster> {
  const redis = await startRedis();
  const lbPort = await freePort();
  const publicUrl = `http://127.0.0.1:${lbPort}`;
  const nodes = await Promise.all(['A', 'B', 'C'].map((name) => startNode(name, redis, publicUrl, extra)));
  const nginx = await startNginx(lbPort, nodes.map((n) => n.port));
  return { redis, nodes, publicUrl, nginx };
}

/**
 * A node address on which a TCP connection never completes, as for a node whose host left the network: a listener
 * whose process never accepts (its thread blocks for good, costing no CPU) and whose accept queue we fill, so the
 * kernel drops every further SYN and the connecting side waits for its own timeout.
 */
export async function unreachableNodeUrl(): Promise<string> {
  const script = `const server = require('node:net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
    // Pipes are written synchronously: the port is out before the thread stops accepting.
    process.stdout.write(server.address().port + '\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = new Promise((resolve) => child.on('exit', resolve));
  onCleanup(async () => {
    child.kill('SIGKILL');
    await exit;
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
  const port = await waitFor(() => /^(\d+)\n/.exec(out)?.[1], 'the never-accepting listener');
  // Linux queues backlog + 1 = 2 finished handshakes for a listener that does not accept, and drops SYNs beyond them.
  const fillers = [0, 1].map(() => net.connect(Number(port), '127.0.0.1'));
  onCleanup(() => fillers.forEach((socket) => socket.destroy()));
  await Promise.all(fillers.map((socket) => new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))));
  return `http://127.0.0.1:${port}`;
}

/** A node's /healthz as JSON. */
export async function health(node: Node): Promise<{ tunnels: number; cluster: { node: string; redis: string } }> {
  return (await fetch(`${node.url}/healthz`)).json() as Promise<{ tunnels: number; cluster: { node: string; redis: string } }>;
}

/** The node a tunnel client is connected to (each node counts its own). */
export async function holder(nodes: Node[]): Promise<Node | undefined> {
  for (const node of nodes) if ((await health(node).catch(() => undefined))?.tunnels) return node;
  return undefined;
}
