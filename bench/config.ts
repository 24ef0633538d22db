// Bench options: parsed from argv (a pure function) into how long and how often each scenario runs.

export interface BenchConfig {
  quick: boolean;
  /** Idle tunnels for the many-tunnels scenario. */
  tunnels: number;
  /** Add the 100 MiB body (the relay then runs with --max-body 200mb). */
  large100: boolean;
  /** Run relay and CLI under --cpu-prof and print their hottest functions (figures are then not representative). */
  profile: boolean;
  /** Per path, before anything is measured. */
  warmupS: number;
  latency: { rounds: number; durationS: number };
  throughput: { rounds: number; durationS: number; connections: number };
  /** How long after the throughput run memory is read again (the issue asks 10 s). */
  settleS: number;
  /** Direct/tunnel pairs per large body size. */
  largePairs: number;
  large100Pairs: number;
  startupRuns: number;
}

export const USAGE = `usage: npm run bench -- [--quick] [--tunnels N] [--large100] [--profile]

  --quick        smoke run, about a minute: shorter runs and fewer repetitions, every scenario still measured
  --tunnels N    idle tunnels for the many-tunnels scenario (default 1000, --quick 200), e.g. --tunnels 10000
  --large100     also send 100 MiB bodies and report the relay's RSS growth (relay runs with --max-body 200mb)
  --profile      run relay and CLI under node --cpu-prof and print their top self-time functions`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): BenchConfig {
  let quick = false;
  let large100 = false;
  let profile = false;
  let tunnels: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--large100') large100 = true;
    else if (arg === '--profile') profile = true;
    else if (arg === '--tunnels' || arg.startsWith('--tunnels=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      tunnels = Number(value);
      if (!Number.isInteger(tunnels) || tunnels < 1) throw new UsageError(`--tunnels "${value}" must be a whole number of at least 1`);
    } else throw new UsageError(`unknown option "${arg}"\n${USAGE}`);
  }
  const base = { large100, profile, quick };
  if (quick) {
    return {
      ...base,
      tunnels: tunnels ?? 200,
      warmupS: 1,
      latency: { rounds: 2, durationS: 1.5 },
      throughput: { rounds: 2, durationS: 2, connections: 50 },
      settleS: 2,
      largePairs: 2,
      large100Pairs: 1,
      startupRuns: 5,
    };
  }
  return {
    ...base,
    tunnels: tunnels ?? 1000,
    warmupS: 2,
    latency: { rounds: 4, durationS: 5 },
    throughput: { rounds: 5, durationS: 8, connections: 50 },
    settleS: 10,
    largePairs: 5,
    large100Pairs: 2,
    startupRuns: 10,
  };
}
