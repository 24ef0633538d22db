// The human-readable report: one table of figures (absolute next to ratio) and one of the targets.

import type { BenchResults } from './results.js';

/** Pads columns to their widest cell; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: string[]) => r.map((cell, col) => (cell ?? '').padEnd(widths[col])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const ms = (n: number) => `${n} ms`;
const x = (n: number) => `${n}×`;
const mib = (a: number, b: number) => `${a} / ${b} MiB`;

/** Rows of the figures table: scenario, direct, tunnel, ratio or difference, remark. */
export function figureRows(r: BenchResults): string[][] {
  const { latency: l, throughput: t, memory: m, manyTunnels: mt, startup: s } = r;
  const rows: string[][] = [['scenario', 'direct', 'tunnel (capture on)', 'tunnel vs direct', 'notes']];
  rows.push(['(1) latency c=1, p50', ms(l.direct.p50Ms), ms(l.tunnel.p50Ms), `+${l.addedP50Ms} ms`, '1 KB JSON POST']);
  rows.push(['(1) latency c=1, p99', ms(l.direct.p99Ms), ms(l.tunnel.p99Ms), `+${l.addedP99Ms} ms`, '']);
  const tot = t.totals;
  rows.push([
    '(2) throughput c=50',
    `${t.rps.direct} req/s`,
    `${t.rps.capture} req/s`,
    x(t.ratio.capture),
    `errors ${tot.capture.errors}, non-2xx ${tot.capture.non2xx}, corrupted ${tot.capture.mismatches} of ${tot.capture.ok} (direct: ${tot.direct.errors}/${tot.direct.non2xx}/${tot.direct.mismatches})`,
  ]);
  const c = t.cpuPer1k;
  rows.push([
    '(4) CPU ms / 1,000 requests',
    `target ${c.targetDirect}`,
    `relay ${c.relay} + CLI ${c.cli} = ${c.relayPlusCli}`,
    '',
    `target app via tunnel ${c.targetTunnel}; --no-store: relay ${c.relayNoStore} + CLI ${c.cliNoStore}`,
  ]);
  for (const big of r.large) {
    const growth = `relay RSS +${big.maxRelayRssGrowthMiB} MiB, CLI +${big.maxCliRssGrowthMiB} MiB while streaming`;
    rows.push([`(3) ${big.mib} MiB body`, ms(big.directMs), ms(big.tunnelMs), x(big.ratio), `${big.intact ? 'intact' : 'CORRUPTED'} (${big.runs.length / 2} pairs); ${growth}`]);
  }
  if (!r.large.some((b) => b.mib === 100)) rows.push(['(3) 100 MiB body', '', '', '', 'not run: pass --large100']);
  rows.push(['(5) RSS relay / CLI, idle', '', mib(m.idle.relay.rssMiB, m.idle.cli.rssMiB), '', `--no-store CLI ${m.idle.cliNoStore.rssMiB} MiB`]);
  rows.push(['(5) peak during c=50', '', mib(m.peakSampled.relay, m.peakSampled.cli), '', `VmHWM ${mib(m.afterLoad.relay.hwmMiB, m.afterLoad.cli.hwmMiB)}`]);
  rows.push(['(5) right after the load', '', mib(m.afterLoad.relay.rssMiB, m.afterLoad.cli.rssMiB), '', '']);
  rows.push([`(5) ${m.settleS} s after the load`, '', mib(m.settled.relay.rssMiB, m.settled.cli.rssMiB), '', m.settleS < 10 ? `--quick waits ${m.settleS} s, not 10` : '']);
  rows.push([
    `(6) ${mt.connected} idle tunnels`,
    '',
    `relay ${mt.before.rssMiB} → ${mt.after.rssMiB} MiB`,
    `${mt.rssPerTunnelKiB} KiB/tunnel`,
    `${mt.swarms} client processes, opened in ${mt.connectMs} ms; relay counts ${mt.relayReports}`,
  ]);
  rows.push(['(7) hooktunnel --help', '', ms(s.helpMedianMs), '', `median of ${s.runs}`]);
  rows.push(['(7) listen until ready', '', ms(s.listenReadyMedianMs), '', `embedded relay, median of ${s.runs}`]);
  const ac = r.autocannon;
  if (ac) {
    const at = ac.throughput;
    rows.push(['(1) latency c=1, p50, autocannon', ms(ac.latency.direct.p50Ms), ms(ac.latency.tunnel.p50Ms), `+${ac.latency.addedP50Ms} ms`, 'the headline rows use wrk']);
    rows.push([
      '(2) throughput c=50, autocannon',
      `${at.rps.direct} req/s`,
      `${at.rps.capture} req/s`,
      x(at.ratio.capture),
      `CPU ms / 1,000: relay ${at.cpuPer1k.relay} + CLI ${at.cpuPer1k.cli} = ${at.cpuPer1k.relayPlusCli}; --no-store ${x(at.ratio.nostore)}`,
    ]);
  }
  rows.push([
    '(8) throughput, --no-store',
    `${t.rps.direct} req/s`,
    `${t.rps.nostore} req/s`,
    x(t.ratio.nostore),
    `capture on runs at ${t.captureVsNoStore}× of --no-store`,
  ]);
  const cl = r.cluster;
  if (cl) {
    rows.push(['(9) 3 nodes on Redis, c=50', `holder ${cl.rps.holder} req/s`, `via another node ${cl.rps.hop} req/s`, x(cl.hopRatio), `tunnel on node C, --no-store; the hop streams A → C; ${cl.generator ?? 'autocannon'}`]);
    const perNode = Object.entries(cl.spreadPerNode).map(([node, rps]) => `${node.toUpperCase()} ${rps}`).join(', ');
    rows.push(['(9) spread over A, B, C', '', `${cl.rps.spread} req/s`, '', `per node ${perNode} req/s (two of three cross the hop)`]);
    rows.push(['(9) CPU ms / 1,000, hop', `holder C ${cl.holderCpuPer1k}`, `hop ${cl.hopCpuPer1k.total}`, '', `node passing on ${cl.hopCpuPer1k.front} + holder's extra ${cl.hopCpuPer1k.holderExtra}`]);
  } else {
    rows.push(['(9) 3 nodes on Redis', '', '', '', 'not run: redis-server is not installed']);
  }
  return rows;
}

export function targetRows(r: BenchResults): string[][] {
  const rows = [['', 'target', 'goal', 'measured']];
  for (const check of r.targets) rows.push([check.met === null ? 'not run' : check.met ? 'met' : 'MISSED', check.what, check.target, check.measured]);
  return rows;
}

export function render(r: BenchResults): string {
  const head = `hooktunnel bench, ${r.mode} run, ${r.date}: ${r.machine.cores} × ${r.machine.model}, ${r.machine.totalMemoryMiB} MiB, Node ${r.machine.node}, commit ${r.git.commit.slice(0, 10)}${r.git.dirty ? ' (with uncommitted changes)' : ''}`;
  const background = Object.entries(r.hostLoad).map(([what, load]) => `${what} ${load.otherPercent} %`).join(', ');
  const load = `CPU used by other processes on the machine: ${background} (load average at start ${r.loadAverageAtStart.join(' / ')})`;
  const parts = [head, load, `load generator: ${r.loadGenerator}`, '', table(figureRows(r)), '', table(targetRows(r))];
  if (r.notes.length) parts.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`));
  for (const p of r.profiles ?? []) {
    parts.push('', `hottest functions (self time) in ${p.process}, ${p.busyMs} ms busy:`);
    parts.push(table([['self ms', '%', 'function', 'where'], ...p.top.map((f) => [String(f.selfMs), String(f.percent), f.name, f.location])]));
  }
  return parts.join('\n');
}

/** The same two tables as Markdown, for BENCHMARKS.md. */
export function renderMarkdown(r: BenchResults): string {
  const md = (rows: string[][]) =>
    [rows[0], rows[0].map(() => '---'), ...rows.slice(1)].map((row) => `| ${row.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`).join('\n');
  return [md(figureRows(r)), '', md(targetRows(r))].join('\n');
}
