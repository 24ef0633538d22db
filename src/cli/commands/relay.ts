// `hooktunnel relay`: run a relay server (self-hosted, behind Caddy or nginx for TLS); `relay token|name` manage its state.

import { Command, Option } from 'commander';
import type { RelayFlags } from '../actions/relay-options.js';
import { relayNameCommand, relayTokenCommand } from './relay-token.js';

const env = (flags: string, description: string, name: string, fallback?: string) => {
  const option = new Option(flags, description).env(name);
  return fallback === undefined ? option : option.default(fallback);
};

export function relayCommand(): Command {
  const command = new Command('relay')
    .description('Run a relay: the public side of hooktunnel that senders POST to and CLIs connect to.')
    .addOption(env('--port <port>', 'port to listen on', 'HOOKTUNNEL_RELAY_PORT', '8080'))
    .addOption(env('--host <address>', 'address to bind (0.0.0.0 for all interfaces: needs a token or --allow-anonymous)', 'HOOKTUNNEL_RELAY_HOST', '127.0.0.1'))
    .addOption(env('--public-url <url>', 'base of public URLs, e.g. https://hooks.example.com, or https://example.com/hooks behind a proxy at that path (default: from each request\'s Host)', 'HOOKTUNNEL_PUBLIC_URL'))
    .addOption(env('--domain <domain>', 'subdomain style: tunnels at https://<id>.<domain> (needs wildcard DNS)', 'HOOKTUNNEL_DOMAIN'))
    .addOption(env('--trust-proxy <addresses>', 'comma-separated proxy IPs whose X-Forwarded-* headers are believed', 'HOOKTUNNEL_TRUST_PROXY'))
    .addOption(env('--data-dir <dir>', 'relay state: token hashes, reserved names, resume tokens, the queue; one relay per directory (default: $XDG_DATA_HOME/hooktunnel/relay)', 'HOOKTUNNEL_RELAY_DATA_DIR'))
    .addOption(env('--token-file <file>', 'file of accepted tokens, one per line (re-read when it changes); also HOOKTUNNEL_RELAY_TOKENS=a,b', 'HOOKTUNNEL_RELAY_TOKEN_FILE'))
    .option('--allow-anonymous', 'accept clients without a token although others can reach the relay (non-loopback --host, --public-url, --domain or --trust-proxy)')
    .addOption(env('--admin-port <port>', 'serve /healthz and /metrics on this port instead of the public one', 'HOOKTUNNEL_ADMIN_PORT'))
    .addOption(env('--admin-host <address>', 'address of --admin-port', 'HOOKTUNNEL_ADMIN_HOST', '127.0.0.1'))
    .option('-q, --quiet', 'no event log lines')
    .optionsGroup('Limits (one more than allowed gets the status in brackets):')
    .addOption(env('--max-body <size>', 'request body, chunked too [413]', 'HOOKTUNNEL_MAX_BODY', '25mb'))
    .addOption(env('--max-header-size <size>', 'bytes of request header lines [431]', 'HOOKTUNNEL_MAX_HEADER_SIZE', '16kb'))
    .addOption(env('--max-headers <n>', 'number of request headers [431]', 'HOOKTUNNEL_MAX_HEADERS', '100'))
    .addOption(env('--max-url <size>', 'request URL length [414]', 'HOOKTUNNEL_MAX_URL', '8kb'))
    .addOption(env('--max-in-flight <n>', 'concurrent requests per tunnel [503]', 'HOOKTUNNEL_MAX_IN_FLIGHT', '200'))
    .addOption(env('--rate-limit <n>', 'requests per second per tunnel, 0 for none [429]', 'HOOKTUNNEL_RATE_LIMIT', '200'))
    .addOption(env('--rate-burst <n>', 'requests a tunnel may get at once before --rate-limit applies', 'HOOKTUNNEL_RATE_BURST', '1000'))
    .addOption(env('--max-tunnels-per-token <n>', 'tunnels one token may hold open', 'HOOKTUNNEL_MAX_TUNNELS_PER_TOKEN', '20'))
    .addOption(env('--max-frame <size>', 'largest WebSocket message from a client', 'HOOKTUNNEL_MAX_FRAME', '16mb'))
    .addOption(env('--auth-failures <n>', 'failed token checks per IP per --auth-window before it is blocked [429]', 'HOOKTUNNEL_AUTH_FAILURES', '10'))
    .addOption(env('--auth-window <duration>', 'window of --auth-failures, and how long a block lasts', 'HOOKTUNNEL_AUTH_WINDOW', '60s'))
    .addOption(env('--max-pending-per-ip <n>', 'connections per IP still in their handshake [429]', 'HOOKTUNNEL_MAX_PENDING_PER_IP', '10'))
    .optionsGroup('Queue (requests for a client that is away, and acknowledge mode; kept in --data-dir):')
    .option('--no-queue', 'answer 503 for a client that is away instead of queueing (and refuse listen --ack)')
    .addOption(env('--queue-max <n>', 'requests queued per tunnel [503 + Retry-After]', 'HOOKTUNNEL_QUEUE_MAX', '1000'))
    .addOption(env('--queue-max-bytes <size>', 'body bytes queued per tunnel [503 + Retry-After]', 'HOOKTUNNEL_QUEUE_MAX_BYTES', '100mb'))
    .addOption(env('--queue-ttl <duration>', 'how long a queued request waits for its client (its URL is kept as long)', 'HOOKTUNNEL_QUEUE_TTL', '24h'))
    .addOption(env('--queue-status <n>', 'status a sender gets when its request is queued', 'HOOKTUNNEL_QUEUE_STATUS', '202'))
    .addOption(env('--queue-body <text>', 'body a sender gets when its request is queued', 'HOOKTUNNEL_QUEUE_BODY', '{"queued":true}'))
    .optionsGroup('Scale-out (several relays behind one load balancer, sharing tunnels through Redis):')
    .addOption(env('--redis <url>', 'redis://host:6379 shared by every node: where tunnels are, names, resume tokens, the queue', 'HOOKTUNNEL_REDIS'))
    .addOption(env('--node-url <url>', 'this node\'s address as the other nodes reach it, e.g. http://10.0.0.5:8080', 'HOOKTUNNEL_NODE_URL'))
    .addOption(env('--cluster-secret <secret>', 'shared by every node, authenticates node-to-node requests (required with --redis)', 'HOOKTUNNEL_CLUSTER_SECRET'))
    .addOption(env('--hop-timeout <duration>', 'how long a node waits for the node holding a tunnel to take a request it passes on (connect, then "go on"); after it the request is queued for the tunnel. Once taken, the holder\'s answer may be this much later than the tunnel\'s own deadline (listen --timeout + 2s) before the node answers 504 itself (default 3s)', 'HOOKTUNNEL_HOP_TIMEOUT'))
    .optionsGroup('Timeouts:')
    .addOption(env('--handshake-timeout <duration>', 'time for a client to say hello', 'HOOKTUNNEL_HANDSHAKE_TIMEOUT', '5s'))
    .addOption(env('--heartbeat-interval <duration>', 'ping clients this often', 'HOOKTUNNEL_HEARTBEAT_INTERVAL', '10s'))
    .addOption(env('--heartbeat-timeout <duration>', 'drop a client silent this long', 'HOOKTUNNEL_HEARTBEAT_TIMEOUT', '15s'))
    .addOption(env('--headers-timeout <duration>', 'time for a sender to send its headers [408]', 'HOOKTUNNEL_HEADERS_TIMEOUT', '10s'))
    .addOption(env('--request-timeout <duration>', 'time for a sender to send its whole request, 0 for none [408]', 'HOOKTUNNEL_REQUEST_TIMEOUT', '60s'))
    .addOption(env('--resume-ttl <duration>', 'how long a disconnected tunnel keeps its URL (longer while requests are queued for it)', 'HOOKTUNNEL_RESUME_TTL', '10m'))
    .addOption(env('--drain-timeout <duration>', 'on SIGTERM, how long in-flight requests may finish', 'HOOKTUNNEL_DRAIN_TIMEOUT', '30s'))
    .addOption(env('--slow-reader-timeout <duration>', 'how long a sender that takes nothing of its answer (a frame of up to 256 KiB) may hold up its tunnel before it is cut off, 0 for no limit', 'HOOKTUNNEL_SLOW_READER_TIMEOUT', '5s'))
    .addHelpText(
      'after',
      `
Examples:
  hooktunnel relay token create --name laptop                   prints a token once; the relay stores its hash
  hooktunnel relay --public-url https://hooks.example.com --trust-proxy 127.0.0.1
  hooktunnel relay --domain hooks.example.com                    https://<id>.hooks.example.com
  hooktunnel relay --host 0.0.0.0 --allow-anonymous              anyone may open tunnels (a trusted network only)
  hooktunnel relay --host 0.0.0.0 --redis redis://10.0.0.2:6379 --node-url http://10.0.0.5:8080 \\
                   --cluster-secret "$SECRET"                   one node of several behind a load balancer

While a client is away, requests for its URL are stored in --data-dir and answered 202; they are delivered, in order,
when it reconnects (at least once; the CLI drops repeats). Resume tokens are kept there too, so a restart keeps URLs.
SIGTERM drains: in-flight requests finish (--drain-timeout), new ones are queued (202; 503 + Retry-After when the
queue cannot take them, or with --no-queue), then clients are told to reconnect; a second signal stops at once.
Started by systemd with a socket (LISTEN_FDS, deploy/hooktunnel-relay.socket), it serves on that socket instead of
--port/--host: the socket stays open while the relay restarts, so senders wait for the next relay instead of a 502.
With --redis, the queue, resume tokens and reserved names live in Redis (tokens stay per node: give every node the same
HOOKTUNNEL_RELAY_TOKENS or --token-file). See docs/self-host.md for a VPS walkthrough with Caddy or nginx, and
the README's "Scale-out" section.`,
    )
    .action(async (flags: RelayFlags) => {
      const { runRelay } = await import('../actions/relay.js');
      await runRelay(flags);
    });
  command.addCommand(relayTokenCommand());
  command.addCommand(relayNameCommand());
  return command;
}
