// Starts the pieces a scenario needs as separate processes: the target app, a relay, `hooktunnel listen`.

import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATS_PATH, type TargetStats } from './payloads.js';
import type { Child, ProcessGroup } from './processes.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root (this file runs from dist/bench/). */
export const ROOT = resolve(here, '../..');
export const CLI = join(ROOT, 'bin/hooktunnel.js');
const TARGET_SCRIPT = join(here, 'target-app.js');
export const SWARM_SCRIPT = join(here, 'tunnel-swarm.js');

const START_TIMEOUT_MS = 15_000;

export interface Running {
  child: Child;
  /** The address to send requests to: the target itself, the relay's base, or the tunnel's public URL. */
  url: string;
}

export async function startTarget(group: ProcessGroup, tmp: string): Promise<Running> {
  const child = group.spawn({ name: 'target', args: [TARGET_SCRIPT], stderrFile: join(tmp, 'target.err') });
  const line = await child.waitForLine((l) => l.startsWith('target listening on '), START_TIMEOUT_MS);
  return { child, url: `http://127.0.0.1:${line.split(' ').pop()}` };
}

export interface RelayStart {
  name: string;
  /** `hooktunnel relay` flags beyond port, host and data dir: the caps a scenario sets explicitly. */
  flags: string[];
  nodeFlags?: string[];
}

export interface RunningRelay extends Running {
  /** The full command line after `hooktunnel`, for the notes. */
  command: string;
}

/** `hooktunnel relay` on 127.0.0.1, port 0, with its state in the scratch directory; resolves with its base URL. */
export async function startRelay(group: ProcessGroup, tmp: string, options: RelayStart): Promise<RunningRelay> {
  const args = ['relay', '--port', '0', '--host', '127.0.0.1', '--data-dir', join(tmp, `${options.name}-data`), ...options.flags];
  const child = group.spawn({
    name: options.name,
    args: [CLI, ...args],
    stderrFile: join(tmp, `${options.name}.err`),
    nodeFlags: options.nodeFlags,
  });
  const line = await child.waitForLine((l) => l.startsWith('hooktunnel relay listening on '), START_TIMEOUT_MS);
  const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
  if (!url) throw child.failure(`printed an unexpected start line: ${line}`);
  return { child, url, command: args.filter((arg) => !arg.startsWith(tmp)).join(' ').replace('--data-dir', '--data-dir <tmp>') };
}

export interface ListenStart {
  name: string;
  target: string;
  relayUrl: string;
  /** false: --no-store. */
  store: boolean;
  nodeFlags?: string[];
}

/** `hooktunnel listen --json` against a relay; resolves with the tunnel's public URL from the ready event. */
export async function startListen(group: ProcessGroup, tmp: string, options: ListenStart): Promise<Running> {
  const storeArgs = options.store ? ['--db', join(tmp, `${options.name}.db`)] : ['--no-store'];
  const child = group.spawn({
    name: options.name,
    args: [CLI, 'listen', options.target, '--relay', options.relayUrl, '--json', ...storeArgs],
    // One NDJSON line per request: to a file, so the CLI never waits for the bench (busy generating load) to read a pipe.
    stdoutFile: join(tmp, `${options.name}.ndjson`),
    stderrFile: join(tmp, `${options.name}.err`),
    nodeFlags: options.nodeFlags,
  });
  const line = await child.waitForLine((l) => l.includes('"type":"ready"'), START_TIMEOUT_MS);
  const url = (JSON.parse(line) as { url?: unknown }).url;
  if (typeof url !== 'string') throw child.failure(`printed a ready event without a url: ${line}`);
  return { child, url: url.replace(/\/+$/, '') };
}

/** The target's counters, read directly on its own port. */
export function targetStats(targetUrl: string): Promise<TargetStats> {
  return new Promise((resolve, reject) => {
    const req = request(`${targetUrl}${STATS_PATH}`, { timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text) as TargetStats);
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('target stats timed out')));
    req.on('error', reject);
    req.end();
  });
}
