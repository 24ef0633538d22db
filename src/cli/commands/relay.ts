// `hooktunnel relay`: run a relay server (self-hosted, behind Caddy or nginx for TLS).

import { Command, Option } from 'commander';

export interface RelayFlags {
  port: string;
  host: string;
  publicUrl?: string;
  domain?: string;
  maxBody: string;
  maxInFlight: string;
  trustProxy?: string;
  handshakeTimeout: string;
  heartbeatInterval: string;
  heartbeatTimeout: string;
  headersTimeout: string;
  requestTimeout: string;
  resumeTtl: string;
  quiet?: boolean;
}

const env = (flags: string, description: string, name: string, fallback?: string) => {
  const option = new Option(flags, description).env(name);
  return fallback === undefined ? option : option.default(fallback);
};

export function relayCommand(): Command {
  return new Command('relay')
    .description('Run a relay: the public side of hooktunnel that senders POST to and CLIs connect to.')
    .addOption(env('--port <port>', 'port to listen on', 'HOOKTUNNEL_RELAY_PORT', '8080'))
    .addOption(env('--host <address>', 'address to bind (0.0.0.0 for all interfaces)', 'HOOKTUNNEL_RELAY_HOST', '127.0.0.1'))
    .addOption(env('--public-url <url>', 'base of public URLs, e.g. https://hooks.example.com (default: from each request\'s Host)', 'HOOKTUNNEL_PUBLIC_URL'))
    .addOption(env('--domain <domain>', 'subdomain style: tunnels at https://<id>.<domain> (needs wildcard DNS)', 'HOOKTUNNEL_DOMAIN'))
    .addOption(env('--max-body <size>', 'largest request body (413 beyond)', 'HOOKTUNNEL_MAX_BODY', '25mb'))
    .addOption(env('--max-in-flight <n>', 'concurrent requests per tunnel (503 beyond)', 'HOOKTUNNEL_MAX_IN_FLIGHT', '200'))
    .addOption(env('--trust-proxy <addresses>', 'comma-separated proxy IPs whose X-Forwarded-* headers are believed', 'HOOKTUNNEL_TRUST_PROXY'))
    .addOption(env('--handshake-timeout <duration>', 'time for a client to say hello', 'HOOKTUNNEL_HANDSHAKE_TIMEOUT', '5s'))
    .addOption(env('--heartbeat-interval <duration>', 'ping clients this often', 'HOOKTUNNEL_HEARTBEAT_INTERVAL', '10s'))
    .addOption(env('--heartbeat-timeout <duration>', 'drop a client silent this long', 'HOOKTUNNEL_HEARTBEAT_TIMEOUT', '15s'))
    .addOption(env('--headers-timeout <duration>', 'time for a sender to send its headers', 'HOOKTUNNEL_HEADERS_TIMEOUT', '10s'))
    .addOption(env('--request-timeout <duration>', 'time for a sender to send its whole request (0: none)', 'HOOKTUNNEL_REQUEST_TIMEOUT', '60s'))
    .addOption(env('--resume-ttl <duration>', 'how long a disconnected tunnel keeps its URL', 'HOOKTUNNEL_RESUME_TTL', '10m'))
    .option('-q, --quiet', 'no event log lines')
    .addHelpText(
      'after',
      `
Examples:
  hooktunnel relay --port 8080                                  loopback, behind Caddy or nginx
  hooktunnel relay --public-url https://hooks.example.com --trust-proxy 127.0.0.1
  hooktunnel relay --domain hooks.example.com                    https://<id>.hooks.example.com`,
    )
    .action(async (flags: RelayFlags) => {
      const { runRelay } = await import('../actions/relay.js');
      await runRelay(flags);
    });
}
