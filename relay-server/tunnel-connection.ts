// One connected tunnel client on the relay: its WebSocket, its in-flight streams, its heartbeat.

import type { WebSocket } from 'ws';
import { TurnBatcher } from '../src/tunnel/turn-batcher.js';
import {
  decode,
  encode,
  MessageType,
  ProtocolError,
  RELAY_TIMEOUT_GRACE_MS,
  type AbortMeta,
  type AckSettings,
  type ErrorCode,
  type Message,
  type ResponseMeta,
} from '../src/protocol.js';
import { DeadlineList } from './deadline-list.js';
import type { TokenBucket } from './rate-limit.js';

/** What a public request does with the client's answers. Implemented by public-request.ts. */
export interface StreamSink {
  onResponse(meta: ResponseMeta, body: Buffer, end: boolean): void;
  onResponseBody(body: Buffer, end: boolean): void;
  onAbort(meta: AbortMeta): void;
  /** The tunnel went away before the stream finished. */
  onDisconnect(): void;
}

// Above this much unsent data on the socket, request bodies are paused (backpressure toward senders).
const HIGH_WATER_BYTES = 1024 * 1024;
// The most a WebSocket frame header adds to a frame the relay sends (RFC 6455 §5.2: 10 bytes, unmasked).
const WS_HEADER_MAX_BYTES = 10;
// WebSocket close codes in the private range (RFC 6455 §7.4.2).
export const CLOSE_PROTOCOL_ERROR = 4002;

export class TunnelConnection {
  private readonly streams = new Map<number, StreamSink>();
  private nextStream = 1;
  private alive = true;
  private heartbeat: NodeJS.Timeout | undefined;
  private pausedWrites = 0;
  closed = false;
  /** Hex digest of the token this tunnel authenticated with; undefined on an anonymous relay. */
  tokenKey: string | undefined;
  /** Requests-per-second limit for this tunnel; undefined when off. */
  bucket: TokenBucket | undefined;
  /** Acknowledge mode, as the client asked in HELLO: the relay answers these senders itself and queues the requests. */
  ack: AckSettings | undefined;
  private readonly batcher: TurnBatcher;
  /** The client committed a queued delivery (ACK); set by the delivery pump. */
  onAck: ((deliveryId: string) => void) | undefined;
  /** Pending timeouts of this tunnel's public requests (one timer for all of them); undefined when the client waits forever. */
  readonly clock: DeadlineList | undefined;

  constructor(
    readonly id: string,
    readonly url: string,
    private readonly ws: WebSocket,
    /** The client's local timeout; the relay's own timer is a little longer. 0 = forever. */
    readonly timeoutMs: number,
    private readonly onClose: (connection: TunnelConnection) => void,
  ) {
    this.batcher = new TurnBatcher(ws);
    this.clock = timeoutMs > 0 ? new DeadlineList(timeoutMs + RELAY_TIMEOUT_GRACE_MS) : undefined;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.handleClose());
    ws.on('error', () => ws.terminate());
  }

  /** Starts pinging; a client that misses a pong for timeoutMs is dropped. */
  startHeartbeat(intervalMs: number, timeoutMs: number): void {
    let silentFor = 0;
    this.heartbeat = setInterval(() => {
      silentFor = this.alive ? 0 : silentFor + intervalMs;
      if (silentFor >= timeoutMs) {
        this.ws.terminate();
        return;
      }
      this.alive = false;
      this.ws.ping();
    }, Math.min(intervalMs, timeoutMs));
    this.heartbeat.unref();
  }

  get inFlight(): number {
    return this.streams.size;
  }

  /** Registers a stream for a public request and returns its id. */
  open(sink: StreamSink): number {
    const stream = this.allocateStream();
    this.streams.set(stream, sink);
    return stream;
  }

  /** A stream id for a queued delivery: the relay expects no answer on it, so nothing waits in `streams`. */
  allocateStream(): number {
    const stream = this.nextStream;
    this.nextStream = this.nextStream >= 0xffff_ffff ? 1 : this.nextStream + 1;
    return stream;
  }

  /** Forgets a stream; tells the client to stop working on it when the reason is ours (timeout, sender gone). */
  finish(stream: number, abort?: { code: ErrorCode; message: string }): void {
    if (!this.streams.delete(stream)) return;
    if (abort && !this.closed) this.batcher.send(encode(MessageType.Abort, stream, abort));
  }

  /** Sends a frame; `onFlushed` runs when the socket has taken it, for senders that paused on backpressure. */
  send(frame: Buffer, onFlushed?: () => void): boolean {
    if (this.closed) return false;
    this.batcher.send(frame, onFlushed);
    return this.ws.bufferedAmount < HIGH_WATER_BYTES;
  }

  /** Would a frame of this size leave the socket's buffer below the high-water mark (so send() returns true)? */
  hasRoomFor(frameBytes: number): boolean {
    return this.ws.bufferedAmount + frameBytes + WS_HEADER_MAX_BYTES < HIGH_WATER_BYTES;
  }

  /** A sender is slow to read a response: stop reading from the client until it drains. */
  pauseReads(): void {
    if (this.pausedWrites++ === 0) this.ws.pause();
  }

  resumeReads(): void {
    if (this.pausedWrites > 0 && --this.pausedWrites === 0) this.ws.resume();
  }

  /**
   * Why the relay ended this connection, for the one log line its close gets ("tunnel x closed: …"); undefined when
   * the client left on its own. The first reason given wins: the cause, not the close that follows it.
   */
  closeReason: string | undefined;

  /** Ends the connection with a reason the client shows. */
  refuse(code: string, message: string, fatal: boolean): void {
    if (this.closed) return;
    this.closeReason ??= message;
    this.ws.send(encode(MessageType.Refused, 0, { code, message, fatal }));
    this.ws.close(fatal ? 4001 : 4000, code);
  }

  goAway(reason: string, reconnect: boolean): void {
    if (this.closed) return;
    this.closeReason ??= reason;
    this.ws.send(encode(MessageType.GoAway, 0, { reason, reconnect }));
    this.ws.close(4003, 'going away');
  }

  /**
   * Another connection took this tunnel over (its own client resuming, or --force). The relay stops using this one at
   * once: its peer may be gone without a word (a dropped network never completes a close handshake, which would hold
   * its in-flight requests for 30 s), so they are requeued or failed now, not when the socket finally dies.
   */
  displace(reason: string): void {
    this.goAway(reason, false);
    this.handleClose();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    let message: Message;
    try {
      if (!isBinary) throw new ProtocolError('bad_meta', 'text frames are not part of the protocol');
      message = decode(data);
    } catch (error) {
      // A broken client loses its own connection, never the relay.
      const reason = error instanceof ProtocolError ? `${error.code}: ${error.message}` : 'malformed frame';
      this.refuse('protocol_error', reason, true);
      return;
    }
    switch (message.type) {
      case MessageType.Response:
        this.streams.get(message.stream)?.onResponse(message.meta, message.body, message.end);
        break;
      case MessageType.ResponseBody:
        this.streams.get(message.stream)?.onResponseBody(message.body, message.end);
        break;
      case MessageType.Abort:
        this.streams.get(message.stream)?.onAbort(message.meta);
        break;
      case MessageType.Ack:
        this.onAck?.(message.meta.deliveryId);
        break;
      default:
        this.refuse('protocol_error', `unexpected ${MessageType[message.type]} from a client`, true);
    }
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    const sinks = [...this.streams.values()];
    this.streams.clear();
    for (const sink of sinks) sink.onDisconnect();
    this.clock?.clear();
    this.onClose(this);
  }
}
