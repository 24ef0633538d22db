// Relay counters in the Prometheus text format (version 0.0.4), written by hand: a few lines, no dependency.

/** Upper bounds of the request-duration histogram, in seconds (webhooks wait on a local app: up to minutes). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class RelayMetrics {
  private readonly byStatus = new Map<number, number>();
  private readonly buckets = DURATION_BUCKETS.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private authFailures = 0;

  /** One public request answered (by the local app or by an error page). */
  request(status: number, durationMs: number, bytesIn: number, bytesOut: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    const seconds = durationMs / 1000;
    // Buckets are cumulative (le = "less or equal"): every bound from the first that holds it up counts it.
    for (let i = DURATION_BUCKETS.length - 1; i >= 0 && seconds <= DURATION_BUCKETS[i]; i--) this.buckets[i]++;
    this.durationSum += seconds;
    this.durationCount++;
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
  }

  authFailure(): void {
    this.authFailures++;
  }

  render(tunnelsOpen: number, queued?: { count: number; bytes: number }): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: string[]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    metric('hooktunnel_tunnels_open', 'gauge', 'Tunnel clients connected now.', [`hooktunnel_tunnels_open ${tunnelsOpen}`]);
    const statuses = [...this.byStatus].sort(([a], [b]) => a - b);
    metric('hooktunnel_requests_total', 'counter', 'Public requests answered, by HTTP status.',
      statuses.map(([status, count]) => `hooktunnel_requests_total{status="${status}"} ${count}`));
    metric('hooktunnel_request_bytes_total', 'counter', 'Request body bytes received from senders and sent into tunnels.',
      [`hooktunnel_request_bytes_total ${this.bytesIn}`]);
    metric('hooktunnel_response_bytes_total', 'counter', 'Response body bytes from tunnels sent back to senders.',
      [`hooktunnel_response_bytes_total ${this.bytesOut}`]);
    metric('hooktunnel_request_duration_seconds', 'histogram', 'Time from a public request\'s arrival to its answer.', [
      ...DURATION_BUCKETS.map((bound, i) => `hooktunnel_request_duration_seconds_bucket{le="${bound}"} ${this.buckets[i]}`),
      `hooktunnel_request_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `hooktunnel_request_duration_seconds_sum ${this.durationSum}`,
      `hooktunnel_request_duration_seconds_count ${this.durationCount}`,
    ]);
    if (queued) {
      metric('hooktunnel_queued_requests', 'gauge', 'Requests answered by the relay and waiting for their client\'s ACK.', [`hooktunnel_queued_requests ${queued.count}`]);
      metric('hooktunnel_queued_bytes', 'gauge', 'Body bytes of the queued requests.', [`hooktunnel_queued_bytes ${queued.bytes}`]);
    }
    metric('hooktunnel_auth_failures_total', 'counter', 'Tunnel connections refused for a missing or wrong token.',
      [`hooktunnel_auth_failures_total ${this.authFailures}`]);
    return `${lines.join('\n')}\n`;
  }
}
