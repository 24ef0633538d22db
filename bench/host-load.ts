// How busy the machine was with other work while a scenario ran: /proc/stat's busy time minus the bench's own
// (the bench process, its live children, and children that exited meanwhile, via cutime/cstime).

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuTicks } from './proc-stats.js';
import type { ProcessGroup } from './processes.js';
import { round } from './stats.js';

/** Busy ticks of all CPUs together (user, nice, system, irq, softirq, steal), from the first line of /proc/stat. */
function systemBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/** This process's own CPU ticks and those of its children that have exited (fields 14-17 of /proc/self/stat). */
function selfTicks(): { own: number; reaped: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { own: f[11] + f[12], reaped: f[13] + f[14] };
}

function liveTicks(group: ProcessGroup): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of group.pids()) {
    try {
      ticks.set(pid, cpuTicks(pid));
    } catch {
      // exited between listing and reading: its time lands in cutime
    }
  }
  return ticks;
}

export interface HostLoad {
  /** CPU used by processes that are not part of the bench, as a share of the machine's capacity, %. */
  otherPercent: number;
  otherCpuMs: number;
  wallMs: number;
}

/** Starts counting; the returned function stops and reports. */
export function meterHostLoad(group: ProcessGroup, ticksPerSecond: number): () => HostLoad {
  const start = { system: systemBusyTicks(), self: selfTicks(), live: liveTicks(group), at: Date.now() };
  return () => {
    const wallMs = Date.now() - start.at;
    const self = selfTicks();
    const live = liveTicks(group);
    let ours = self.own - start.self.own + (self.reaped - start.self.reaped);
    for (const [pid, ticks] of live) ours += ticks - (start.live.get(pid) ?? 0);
    // A child alive at the start that exited since: cutime holds its whole life, so take off what it had used before.
    for (const [pid, ticks] of start.live) if (!live.has(pid)) ours -= ticks;
    const otherCpuMs = Math.max(0, ((systemBusyTicks() - start.system - ours) * 1000) / ticksPerSecond);
    return { otherPercent: round((otherCpuMs / (wallMs * cpus().length)) * 100, 1), otherCpuMs: Math.round(otherCpuMs), wallMs };
  };
}
