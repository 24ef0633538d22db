// Reconnect delays: full jitter (AWS architecture blog, as cloudflared does), so a fleet of laptops waking up does not stampede.

const BASE_MS = 1_000;
const CAP_MS = 30_000;
/** A connection that lasted this long resets the attempt count. */
export const STABLE_CONNECTION_MS = 60_000;

/** Delay before reconnect attempt `attempt` (0-based): uniform in [0, min(cap, base · 2^attempt)]. */
export function nextDelay(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempt, 16)));
}
