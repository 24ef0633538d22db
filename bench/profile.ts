// Reads V8 .cpuprofile files (node --cpu-prof) and lists the functions with the most self time.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './environment.js';
import { round } from './stats.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  /** file:line, relative to the repository when it is ours. */
  location: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  percent: number;
}

export interface ProfileSummary {
  process: string;
  busyMs: number;
  top: HotFunction[];
}

/** Node flags that make a child write its profile into `dir` on a clean exit. */
export const profileFlags = (dir: string, name: string) => ['--cpu-prof', '--cpu-prof-dir', join(dir, name)];

/** Summarises every profile written under dir/name (one per process run). */
export function summarizeProfiles(dir: string, name: string, top = 15): ProfileSummary {
  const self = new Map<string, { name: string; location: string; us: number }>();
  let busyUs = 0;
  const folder = join(dir, name);
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(folder, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id);
      if (!frame || frame.functionName === '(idle)') return;
      const us = profile.timeDeltas[i + 1] ?? 0;
      const location = `${frame.url.replace('file://', '').replace(`${ROOT}/`, '')}:${frame.lineNumber + 1}`;
      const key = `${frame.functionName}@${location}`;
      const entry = self.get(key) ?? { name: frame.functionName || '(anonymous)', location, us: 0 };
      entry.us += us;
      self.set(key, entry);
      busyUs += us;
    });
  }
  const hottest = [...self.values()].sort((a, b) => b.us - a.us).slice(0, top);
  return {
    process: name,
    busyMs: round(busyUs / 1000, 0),
    top: hottest.map((e) => ({ name: e.name, location: e.location, selfMs: round(e.us / 1000, 1), percent: round((e.us / busyUs) * 100, 1) })),
  };
}
