// Rate limits: a token bucket per tunnel, and per-IP counters for failed logins and half-open handshakes.

/** Refills `ratePerSecond` tokens a second up to `burst`; each request takes one. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token: 0 when allowed, else the milliseconds until one is available. */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}

interface Failures {
  count: number;
  windowStart: number;
  blockedUntil: number;
}

// Bounds memory under a spray of source addresses; the oldest entries go first.
const MAX_TRACKED_IPS = 100_000;

/** `limit` failures from one IP within `windowMs` block it for `windowMs`. */
export class FailureLimiter {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds the IP must still wait; 0 when it may try. */
  blockedFor(ip: string, now = Date.now()): number {
    const entry = this.entries.get(ip);
    return entry && entry.blockedUntil > now ? entry.blockedUntil - now : 0;
  }

  fail(ip: string, now = Date.now()): void {
    let entry = this.entries.get(ip);
    if (!entry || now - entry.windowStart >= this.windowMs) {
      this.entries.delete(ip);
      if (this.entries.size >= MAX_TRACKED_IPS) this.entries.delete(this.entries.keys().next().value!);
      entry = { count: 0, windowStart: now, blockedUntil: 0 };
      this.entries.set(ip, entry);
    }
    if (++entry.count >= this.limit) entry.blockedUntil = now + this.windowMs;
  }
}

/** Counts open things per IP (connections still in their handshake). */
export class PerIpCounter {
  private readonly counts = new Map<string, number>();

  get(ip: string): number {
    return this.counts.get(ip) ?? 0;
  }

  add(ip: string): void {
    this.counts.set(ip, this.get(ip) + 1);
  }

  remove(ip: string): void {
    const left = this.get(ip) - 1;
    if (left > 0) this.counts.set(ip, left);
    else this.counts.delete(ip);
  }
}
