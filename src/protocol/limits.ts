// Every size limit and timeout of the wire protocol, as named constants both sides share.

/** Largest body chunk put in one frame; bodies larger than this are streamed in several frames. */
export const BODY_CHUNK_BYTES = 256 * 1024;
/** ws maxPayload: a chunk plus generous room for meta. Bounded per ws CVE-2024-37890 advice. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Meta is small JSON (headers at most 16 KiB on the public side); anything bigger is hostile. */
export const MAX_META_BYTES = 1024 * 1024;

/** Relay pings every 10 s and drops a client with no pong for 15 s (ngrok's figures). */
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const HEARTBEAT_TIMEOUT_MS = 15_000;
/** The CLI gives up on a relay it has not heard from (no ping) in 25 s. */
export const CLIENT_SILENCE_TIMEOUT_MS = 25_000;
/** From TCP accept to an accepted HELLO (bore 3 s, rathole 5 s). */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Default wait for the local app (Stripe CLI uses 30 s). 0 means wait forever. */
export const DEFAULT_LOCAL_TIMEOUT_MS = 30_000;
/** The relay waits a little longer than the CLI so the CLI's precise 504 wins the race. */
export const RELAY_TIMEOUT_GRACE_MS = 2_000;
