// Turns the scale-out flags of `relay` (--redis, --node-url, --cluster-secret, --hop-timeout) into ClusterOptions, or
// says what is wrong.

import type { ClusterOptions } from '../../../relay-server/cluster/cluster-options.js';
import { shownRedisUrl } from '../../../relay-server/cluster/load-redis.js';
import { parseDuration } from '../../duration.js';
import { usageError } from '../../errors.js';
import type { RelayFlags } from './relay-options.js';

/** Long enough that it cannot be guessed; `openssl rand -hex 32` gives 64 characters. */
const MIN_SECRET_LENGTH = 16;

function parseUrl(value: string, flag: string, schemes: string[], example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`${flag} "${value}" is not a URL`, `for example ${flag} ${example}`);
  }
  if (!schemes.includes(url.protocol)) throw usageError(`${flag} "${value}" must start with ${schemes.map((s) => `${s}//`).join(' or ')}`, `for example ${flag} ${example}`);
  return url;
}

/** --redis as ioredis will read it, for the nodes and for `relay name --redis` alike; a usage error otherwise. */
export function checkRedisUrl(value: string): void {
  const redis = parseUrl(value, '--redis', ['redis:', 'rediss:'], 'redis://10.0.0.2:6379');
  // ioredis reads the path as the database number; anything else it would send to SELECT and then use database 0.
  if (!/^\/?\d*$/.test(redis.pathname)) {
    throw usageError(`--redis "${shownRedisUrl(value)}": the path must be a database number, like /0`, 'for example --redis redis://10.0.0.2:6379/0');
  }
}

export function clusterOptions(flags: RelayFlags): ClusterOptions | undefined {
  if (!flags.redis) {
    const stray = flags.nodeUrl ? '--node-url' : flags.clusterSecret ? '--cluster-secret' : flags.hopTimeout ? '--hop-timeout' : undefined;
    if (stray) throw usageError(`${stray} only applies with --redis`, 'pass --redis redis://HOST:PORT to run this relay as one node of several');
    return undefined;
  }
  checkRedisUrl(flags.redis);
  if (!flags.nodeUrl) throw usageError('--redis needs --node-url: the address the other nodes reach this one at', 'for example --node-url http://10.0.0.5:8080 (or HOOKTUNNEL_NODE_URL)');
  const node = parseUrl(flags.nodeUrl, '--node-url', ['http:'], 'http://10.0.0.5:8080');
  if (node.pathname !== '/' || node.search) throw usageError(`--node-url "${flags.nodeUrl}" must be only a scheme, host and port`, 'for example --node-url http://10.0.0.5:8080');
  if (!flags.clusterSecret) throw usageError('--redis needs --cluster-secret, shared by every node', 'create one with `openssl rand -hex 32` and give it to every node (HOOKTUNNEL_CLUSTER_SECRET)');
  if (flags.clusterSecret.length < MIN_SECRET_LENGTH) {
    throw usageError(`--cluster-secret is ${flags.clusterSecret.length} characters; it needs at least ${MIN_SECRET_LENGTH}`, 'create one with `openssl rand -hex 32`');
  }
  const hopTimeoutMs = flags.hopTimeout === undefined ? undefined : parseDuration(flags.hopTimeout, '--hop-timeout');
  // 0 is "forever" elsewhere; here it would queue every request at once, so it is refused rather than given either meaning.
  if (hopTimeoutMs === 0) throw usageError('--hop-timeout must be longer than 0', 'for example --hop-timeout 3s (the default)');
  return { redisUrl: flags.redis, nodeUrl: node.origin, secret: flags.clusterSecret, queue: flags.queue, hopTimeoutMs };
}

/**
 * Said where a token is stored on a cluster node (its start, `relay token create` beside one): a stored token lives in
 * that node's --data-dir, so the nodes on other machines refuse it, and a client the load balancer sends there stops
 * with 401, now or at its next reconnect. `stored`: which tokens, ending in "is" or "are".
 */
export function nodeOnlyTokensWarning(stored: string): string {
  return (
    `warning: ${stored} accepted only by the cluster nodes that use this data directory: a client the load balancer sends ` +
    'to another node is refused (401). Give every node the same tokens by HOOKTUNNEL_RELAY_TOKENS or --token-file ' +
    '(nodes on one machine may share one --data-dir instead)\n'
  );
}
