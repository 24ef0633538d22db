// Every Redis key and channel a relay cluster uses, in one place (all under the `hooktunnel:` prefix).

const PREFIX = 'hooktunnel:';

export const redisKeys = {
  /** id → URL of the node holding its client now; expires unless that node refreshes it (a killed node's lapse). */
  location: (id: string) => `${PREFIX}loc:${id}`,
  /** id → SHA-256 of its one valid resume token; lives while connected, then --resume-ttl (longer while requests wait). */
  reservation: (id: string) => `${PREFIX}id:${id}`,
  /** SHA-256 of a resume token → id. Same lifetime as the reservation. */
  resume: (tokenHash: string) => `${PREFIX}resume:${tokenHash}`,
  /**
   * id → its client's acknowledge settings (JSON), as sent in its last HELLO; absent when it does not acknowledge.
   * Same lifetime as the reservation, so senders get the client's own answer on any node while it is away.
   */
  ack: (id: string) => `${PREFIX}ack:${id}`,
  /**
   * id → '1' when the relay handed the id out (a listen without --name): no --name takes it, on any node. Same lifetime
   * as the reservation. Absent for a name, and for ids registered by nodes older than this key, which count as named.
   */
  random: (id: string) => `${PREFIX}random:${id}`,
  /**
   * id → its client's local timeout in ms (`listen --timeout`, as sent in its HELLO; '0' waits forever). Written and
   * refreshed with the location, so a node passing a request on knows when the holder's answer is overdue. Absent for
   * tunnels held by nodes older than this key: requests passed to those wait as long as the holder does.
   */
  clientTimeout: (id: string) => `${PREFIX}timeout:${id}`,
  /** Reserved name → SHA-256 (hex) of the token that owns it; no expiry, as on a single relay. */
  name: (name: string) => `${PREFIX}name:${name}`,
  /** Stream of requests waiting for a client that is away (or in acknowledge mode). */
  queue: (id: string) => `${PREFIX}q:${id}`,
  /** Body bytes held in that stream (the count is XLEN). */
  queueBytes: (id: string) => `${PREFIX}qb:${id}`,
  /** Hash {count, bytes} over every stream, for /metrics. */
  queueTotals: `${PREFIX}qtotals`,
  queuePattern: `${PREFIX}q:*`,
  /** Pub/sub: "kick <id>" (a request was queued for it), "moved <id> <node>" (another node took the tunnel). */
  events: `${PREFIX}events`,
};

/** Lua helpers address keys they derive (the resume key of a stored hash): one Redis or Sentinel, not Redis Cluster. */
export const RESUME_PREFIX = `${PREFIX}resume:`;
