// The flags of `hooktunnel relay` as its command parses them: strings until relay-limits.ts turns them into limits.
// Kept apart from relay.ts so relay-limits.ts can use the type without importing the action that imports it.

export interface RelayFlags {
  port: string;
  host: string;
  publicUrl?: string;
  domain?: string;
  trustProxy?: string;
  dataDir?: string;
  tokenFile?: string;
  allowAnonymous?: boolean;
  adminPort?: string;
  adminHost: string;
  maxBody: string;
  maxHeaderSize: string;
  maxHeaders: string;
  maxUrl: string;
  maxInFlight: string;
  rateLimit: string;
  rateBurst: string;
  maxTunnelsPerToken: string;
  maxFrame: string;
  authFailures: string;
  authWindow: string;
  maxPendingPerIp: string;
  handshakeTimeout: string;
  heartbeatInterval: string;
  heartbeatTimeout: string;
  headersTimeout: string;
  requestTimeout: string;
  resumeTtl: string;
  drainTimeout: string;
  slowReaderTimeout: string;
  queue: boolean;
  queueMax: string;
  queueMaxBytes: string;
  queueTtl: string;
  queueStatus: string;
  queueBody: string;
  quiet?: boolean;
  redis?: string;
  nodeUrl?: string;
  clusterSecret?: string;
  hopTimeout?: string;
}
