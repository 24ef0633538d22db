// Scenario 7: `hooktunnel --help` until exit, and `listen` with the embedded relay until its ready event (URL confirmed).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Context } from '../context.js';
import { CLI } from '../environment.js';
import { withTimeout } from '../processes.js';
import { median, round } from '../stats.js';

export interface StartupResult {
  runs: number;
  helpMs: number[];
  listenReadyMs: number[];
  helpMedianMs: number;
  listenReadyMedianMs: number;
}

export async function startupScenario(ctx: Context, targetPort: string): Promise<StartupResult> {
  const helpMs: number[] = [];
  const listenReadyMs: number[] = [];
  for (let i = 0; i < ctx.config.startupRuns; i++) {
    const started = performance.now();
    const help = ctx.group.spawn({ name: 'help', args: [CLI, '--help'], stderrFile: join(ctx.tmp, 'help.err') });
    const code = await withTimeout(help.exited, 10_000, '`hooktunnel --help`');
    if (code !== 0) throw help.failure(`exited with code ${code}`);
    helpMs.push(round(performance.now() - started, 1));
  }
  for (let i = 0; i < ctx.config.startupRuns; i++) {
    const db = join(ctx.tmp, `startup-${i}.db`);
    const started = performance.now();
    // --embedded-port 0: each run gets its own embedded relay instead of sharing (or colliding on) port 4747.
    const listen = ctx.group.spawn({
      name: 'listen-startup',
      args: [CLI, 'listen', targetPort, '--json', '--embedded-port', '0', '--db', db],
      stderrFile: join(ctx.tmp, 'listen-startup.err'),
    });
    try {
      await listen.waitForLine((l) => l.includes('"type":"ready"'), 10_000);
      listenReadyMs.push(round(performance.now() - started, 1));
    } finally {
      await listen.stop();
      rmSync(db, { force: true });
      rmSync(`${db}-wal`, { force: true });
      rmSync(`${db}-shm`, { force: true });
    }
  }
  ctx.log(`  --help: ${helpMs.join(', ')} ms`);
  ctx.log(`  listen ready: ${listenReadyMs.join(', ')} ms`);
  return {
    runs: ctx.config.startupRuns,
    helpMs,
    listenReadyMs,
    helpMedianMs: round(median(helpMs), 1),
    listenReadyMedianMs: round(median(listenReadyMs), 1),
  };
}
