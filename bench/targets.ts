// The issue's targets, checked against the figures: met, missed, or not run (and why).

import type { BenchResults } from './results.js';
import { NEAR_IDLE_MIB } from './scenarios/memory.js';

export interface TargetCheck {
  what: string;
  /** The target as the issue states it. */
  target: string;
  /** The measured figure, formatted. */
  measured: string;
  /** null: not measured in this run (the reason is in `measured`). */
  met: boolean | null;
}

type Figures = Omit<BenchResults, 'targets'>;

export function checkTargets(r: Figures): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (what: string, target: string, measured: string, met: boolean | null) => checks.push({ what, target, measured, met });
  const t = r.throughput;
  add(`throughput c=50, capture on, vs direct (${r.autocannon ? 'wrk' : 'autocannon'})`, '≥ 0.35× (aim 0.5×)', `${t.ratio.capture}×`, t.ratio.capture >= 0.35);
  add('relay + CLI CPU per 1,000 requests', '≤ 200 ms (aim 150)', `${t.cpuPer1k.relayPlusCli} ms`, t.cpuPer1k.relayPlusCli <= 200);
  add('added p50 latency, c=1', '≤ 0.25 ms (aim 0.15)', `${r.latency.addedP50Ms} ms`, r.latency.addedP50Ms <= 0.25);
  const l20 = r.large.find((l) => l.mib === 20);
  if (l20) add('20 MiB body: intact, time vs direct', 'intact, ≤ 2×', `${l20.intact ? 'intact' : 'CORRUPTED'}, ${l20.ratio}×`, l20.intact && l20.ratio <= 2);
  const l100 = r.large.find((l) => l.mib === 100);
  add(
    'relay RSS growth during a 100 MiB body',
    '< 40 MiB',
    l100 ? `${l100.maxRelayRssGrowthMiB} MiB${l100.intact ? '' : ' (CORRUPTED)'}` : 'not run (pass --large100)',
    l100 ? l100.maxRelayRssGrowthMiB < 40 && l100.intact : null,
  );
  const m = r.memory;
  add(
    'RSS after the throughput run, relay / CLI',
    '< 80 MiB each',
    `${m.afterLoad.relay.rssMiB} / ${m.afterLoad.cli.rssMiB} MiB`,
    m.afterLoad.relay.rssMiB < 80 && m.afterLoad.cli.rssMiB < 80,
  );
  const back = (now: number, idle: number) => now - idle <= NEAR_IDLE_MIB;
  add(
    `RSS ${m.settleS} s later, relay / CLI (idle ${m.idle.relay.rssMiB} / ${m.idle.cli.rssMiB})`,
    `< 80 MiB each (aim 64), back near idle (≤ idle + ${NEAR_IDLE_MIB} MiB)`,
    `${m.settled.relay.rssMiB} / ${m.settled.cli.rssMiB} MiB`,
    m.settled.relay.rssMiB < 80 && m.settled.cli.rssMiB < 80 && back(m.settled.relay.rssMiB, m.idle.relay.rssMiB) && back(m.settled.cli.rssMiB, m.idle.cli.rssMiB),
  );
  const mt = r.manyTunnels;
  add(
    `relay RSS at 10,000 idle tunnels${mt.rssAt10kMeasured ? '' : ` (projected from ${mt.connected})`}`,
    '< 300 MiB',
    `${mt.rssAt10kMiB} MiB (${mt.rssPerTunnelKiB} KiB/tunnel)`,
    mt.connected === mt.attempted ? mt.rssAt10kMiB < 300 : false,
  );
  add('hooktunnel --help (median)', '< 150 ms', `${r.startup.helpMedianMs} ms`, r.startup.helpMedianMs < 150);
  add('listen ready, embedded relay (median)', '< 500 ms', `${r.startup.listenReadyMedianMs} ms`, r.startup.listenReadyMedianMs < 500);
  return checks;
}
