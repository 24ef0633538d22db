// Relay options and their defaults. Each default is named with its source (see shared/DEFAULTS.md).

import {
  HANDSHAKE_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  MAX_FRAME_BYTES,
} from '../src/protocol.js';

export interface RelayLimits {
  /** Largest public request body; one byte more is 413. 25 MiB: the most GitHub sends. */
  maxBodyBytes: number;
  /** Request head size (Node's maxHeaderSize); more is 431. 16 KiB, as Node and Cloudflare. */
  maxHeaderBytes: number;
  /** Header count, counted on rawHeaders; more is 431. */
  maxHeaderCount: number;
  /** Request target length; more is 414. */
  maxUrlBytes: number;
  /** Slowloris guard: the whole head must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request body must arrive within this (0: no limit). */
  requestTimeoutMs: number;
  /** Concurrent requests per tunnel; more is 503 with Retry-After (Cloudflare quick tunnels: 200). */
  maxInFlightPerTunnel: number;
  /** ws maxPayload: bodies are chunked, so a frame never needs more. */
  maxPayloadBytes: number;
  /** From TCP accept to an accepted HELLO. */
  handshakeTimeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** How long a disconnected random id stays reserved for its resume token. */
  resumeTtlMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxBodyBytes: 26_214_400,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxUrlBytes: 8 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxInFlightPerTunnel: 200,
  maxPayloadBytes: MAX_FRAME_BYTES,
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
  resumeTtlMs: 10 * 60_000,
};

export interface RelayOptions {
  port: number;
  host: string;
  /** Base of public URLs (https://hooks.example.com). Default: taken from the Host of each client's upgrade. */
  publicUrl?: string;
  /** Subdomain style: tunnels are <id>.<domain>. */
  domain?: string;
  /** Proxy addresses whose X-Forwarded-* headers are believed. */
  trustProxy?: string[];
  limits?: Partial<RelayLimits>;
  /** One line per event (client connected, tunnel opened/closed). Quiet when absent. */
  log?: (line: string) => void;
}
