// What every scenario gets: the options, the running processes, and where to log and note things.

import type { BenchConfig } from './config.js';
import type { Running, RunningRelay } from './environment.js';
import type { ProcessGroup } from './processes.js';

/** The long-lived processes of the main run. */
export interface Env {
  target: Running;
  relay: RunningRelay;
  /** `listen` recording to SQLite: the headline path. */
  capture: Running;
  /** `listen --no-store`, on its own tunnel of the same relay. */
  nostore: Running;
}

export interface Context {
  config: BenchConfig;
  group: ProcessGroup;
  /** Scratch directory for databases and logs; removed at the end. */
  tmp: string;
  ticksPerSecond: number;
  /** Progress line on stderr. */
  log(line: string): void;
  /** Things a reader of the results must know (adjusted N, caveats); saved in the results file. */
  notes: string[];
}

/** The paths a 1 KB webhook can take, measured side by side. */
export type PathName = 'direct' | 'capture' | 'nostore';

export function pathUrl(env: Env, path: PathName): string {
  return path === 'direct' ? env.target.url : path === 'capture' ? env.capture.url : env.nostore.url;
}
