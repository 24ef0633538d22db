// The CLI's end of the tunnel: connects to the relay, says HELLO, reconnects with backoff, and hands out requests.

import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  CLIENT_SILENCE_TIMEOUT_MS,
  CONNECT_PATH,
  decode,
  encode,
  MAX_FRAME_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  type AckSettings,
  type HelloMeta,
  type Message,
  type WelcomeMeta,
} from '../protocol.js';
import { nextDelay, STABLE_CONNECTION_MS } from './backoff.js';
import { refusalCode, RelayFailure, socketFailure, upgradeRefusal, type RelayFailureCode } from './relay-failure.js';
import { TurnBatcher } from './turn-batcher.js';
import { TunnelRequest, type StreamChannel } from './tunnel-request.js';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Reconnect attempts since the last stable connection. */
  attempt: number;
  /** Why the last connection failed or ended. */
  error?: string;
  /** When the next attempt is due (epoch ms), while reconnecting. */
  retryAt?: number;
}

export interface TunnelClientOptions {
  /** ws:// or wss:// base URL of the relay. */
  relayUrl: string;
  token?: string;
  name?: string;
  force?: boolean;
  /** The CLI's local timeout, sent in HELLO so the relay's timer follows it. */
  timeoutMs: number;
  /** Reconnect after failures (default). Off: the first failure is fatal. */
  retry: boolean;
  /** A resume token from an earlier run, to get the same random id back. */
  resumeToken?: string;
  /** Acknowledge mode: the relay answers senders itself and queues their requests for us. */
  ack?: AckSettings;
  /** Give up on a relay that has not pinged for this long (default CLIENT_SILENCE_TIMEOUT_MS). */
  silenceTimeoutMs?: number;
  /**
   * Runs before each reconnect attempt (not the first connect), which waits for it; a rejection is ignored. `listen`
   * uses it to start the embedded relay itself when the process that hosted it is gone. With a hook, a refused
   * connection (nothing on the relay's port) is retried after the first backoff step, not a grown one: the hook is
   * what brings the relay back.
   */
  beforeReconnect?: () => Promise<void>;
}

export interface TunnelClientEvents {
  status: [ConnectionStatus];
  welcome: [WelcomeMeta];
  request: [TunnelRequest];
  /** Unrecoverable: bad token, version mismatch, displaced by --force, or any failure with retry off. */
  fatal: [RelayFailure];
}

/** Turns an http(s):// or ws(s):// relay address into the WebSocket endpoint. */
export function connectUrl(relayUrl: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + CONNECT_PATH;
  return url.toString();
}

export class TunnelClient extends EventEmitter<TunnelClientEvents> implements StreamChannel {
  private ws: WebSocket | undefined;
  private batcher: TurnBatcher | undefined;
  private readonly requests = new Map<number, TunnelRequest>();
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private connectedAt = 0;
  private pausedReads = 0;
  private closed = false;
  /** Stopping gracefully: a connection that ends now is not replaced. */
  private stayDown = false;
  private resumeToken: string | undefined;
  welcome: WelcomeMeta | undefined;

  constructor(private readonly options: TunnelClientOptions) {
    super();
    this.resumeToken = options.resumeToken;
  }

  start(): void {
    this.connect();
  }

  /** Disconnects for good. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.ws?.close(1000, 'client closing');
    this.ws?.terminate();
    this.dropRequests('the tunnel client is closing');
  }

  /** From now on a connection that ends (the relay draining, a drop) is not replaced, and says nothing: listen is stopping. */
  stopReconnecting(): void {
    this.stayDown = true;
    clearTimeout(this.retryTimer);
  }

  /**
   * Disconnects for good once the frames already sent have left: close() cuts the socket at once, which drops what is
   * still buffered (an answer just written, in the turn's corked batch). Waits for the relay's close frame, 1 s at most.
   */
  async end(): Promise<void> {
    this.stopReconnecting();
    const ws = this.ws;
    if (!this.closed && ws?.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        // ws writes its close frame after every frame queued before it.
        ws.close(1000, 'client closing');
      });
    }
    this.close();
  }

  send(frame: Buffer, onFlushed?: () => void): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    this.batcher!.send(frame, onFlushed);
    return ws.bufferedAmount < 1024 * 1024;
  }

  pauseReads(): void {
    if (this.pausedReads++ === 0) this.ws?.pause();
  }

  resumeReads(): void {
    if (this.pausedReads > 0 && --this.pausedReads === 0) this.ws?.resume();
  }

  release(stream: number): void {
    this.requests.delete(stream);
  }

  /** Tells the relay a queued delivery is committed to our store, so it may forget it. Lost with the connection: the relay then redelivers, and we ACK again. */
  ack(deliveryId: string): void {
    this.send(encode(MessageType.Ack, 0, { deliveryId }));
  }

  private connect(): void {
    // A reconnect was already announced, with its delay, when the last connection closed.
    if (this.attempt === 0 && !this.welcome) this.emit('status', { state: 'connecting', attempt: 0 });
    const headers: Record<string, string> = {};
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    const ws = new WebSocket(connectUrl(this.options.relayUrl), {
      headers,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    this.batcher = new TurnBatcher(ws);
    this.pausedReads = 0;
    let failure: string | undefined;
    let code: RelayFailureCode = 'connection_lost';
    let fatal = false;
    let refused = false;
    const fail = (error: RelayFailure) => ([failure, code] = [error.message, error.code]);

    ws.on('open', () => {
      const hello: HelloMeta = { version: PROTOCOL_VERSION, timeoutMs: this.options.timeoutMs };
      if (this.options.name) hello.name = this.options.name;
      if (this.resumeToken) hello.resumeToken = this.resumeToken;
      if (this.options.force) hello.force = true;
      if (this.options.ack) hello.ack = this.options.ack;
      ws.send(encode(MessageType.Hello, 0, hello));
      expectPing();
    });
    // A relay that stops pinging is gone (laptop slept, network changed): reconnect instead of waiting forever.
    const expectPing = () => {
      clearTimeout(this.silenceTimer);
      this.silenceTimer = setTimeout(() => {
        if (failure === undefined) fail(new RelayFailure('the relay stopped sending heartbeats', 'connection_lost'));
        ws.terminate();
      }, this.options.silenceTimeoutMs ?? CLIENT_SILENCE_TIMEOUT_MS);
      this.silenceTimer.unref();
    };
    ws.on('ping', expectPing);
    ws.on('unexpected-response', (_req, res) => {
      // The relay refuses at the upgrade with a status: 401 (token) is fatal, others are worth retrying.
      const status = res.statusCode ?? 0;
      const relayError = res.headers['x-hooktunnel-error'];
      fail(upgradeRefusal(status, typeof relayError === 'string' ? relayError : undefined, res.statusMessage, this.options.relayUrl));
      // Where the token came from (a flag, `hooktunnel login`, none) is the caller's to say: listen's hint does.
      fatal = status === 401 || status === 403;
      ws.terminate();
    });
    ws.on('message', (data: Buffer) => {
      let message: Message;
      try {
        message = decode(data);
      } catch (error) {
        fail(new RelayFailure(`relay sent a malformed frame (${(error as Error).message})`, 'protocol_error'));
        ws.terminate();
        return;
      }
      const outcome = this.receive(message);
      if (outcome) {
        fail(outcome.failure);
        fatal = outcome.fatal;
        ws.close(4000, 'ending the connection');
      }
    });
    ws.on('error', (error: NodeJS.ErrnoException) => {
      refused = error.code === 'ECONNREFUSED';
      if (failure === undefined) fail(socketFailure(error, this.options.relayUrl));
    });
    ws.on('close', (closeCode, reason) => {
      clearTimeout(this.silenceTimer);
      if (this.ws !== ws) return;
      this.dropRequests('the tunnel connection dropped');
      if (this.closed) return;
      if (this.stayDown) {
        this.closed = true;
        return;
      }
      if (this.connectedAt && Date.now() - this.connectedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
      this.connectedAt = 0;
      if (failure === undefined) fail(new RelayFailure(`connection closed (${closeCode}${reason.length ? ` ${reason}` : ''})`, 'connection_lost'));
      if (fatal || !this.options.retry) {
        this.closed = true;
        this.emit('status', { state: 'offline', attempt: this.attempt, error: failure });
        this.emit('fatal', new RelayFailure(failure!, code));
        return;
      }
      const delay = nextDelay(refused && this.options.beforeReconnect ? 0 : this.attempt);
      this.attempt++;
      this.emit('status', { state: 'reconnecting', attempt: this.attempt, error: failure, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => void this.reconnect(), delay);
    });
  }

  private async reconnect(): Promise<void> {
    await this.options.beforeReconnect?.().catch(() => {});
    if (!this.closed && !this.stayDown) this.connect();
  }

  /** Handles one frame; returns a failure that ends the connection, if any. */
  private receive(message: Message): { failure: RelayFailure; fatal: boolean } | undefined {
    switch (message.type) {
      case MessageType.Welcome:
        this.welcome = message.meta;
        this.resumeToken = message.meta.resumeToken;
        this.connectedAt = Date.now();
        this.emit('welcome', message.meta);
        this.emit('status', { state: 'online', attempt: 0 });
        return undefined;
      case MessageType.Refused:
        return { failure: new RelayFailure(`${message.meta.message} (${message.meta.code})`, refusalCode(message.meta.code)), fatal: message.meta.fatal };
      case MessageType.GoAway:
        // Not to come back: another client took the name over. Else the relay is restarting and asks us to reconnect.
        return { failure: new RelayFailure(message.meta.reason, message.meta.reconnect ? 'relay_draining' : 'taken_over'), fatal: !message.meta.reconnect };
      case MessageType.Request: {
        const request = new TunnelRequest(this, message.stream, message.meta, message.body, message.end);
        this.requests.set(message.stream, request);
        this.emit('request', request);
        return undefined;
      }
      case MessageType.RequestBody:
        this.requests.get(message.stream)?.pushBody(message.body, message.end);
        return undefined;
      case MessageType.Abort:
        this.requests.get(message.stream)?.cancel(message.meta.code, message.meta.message);
        return undefined;
      default:
        return { failure: new RelayFailure(`relay sent an unexpected ${MessageType[message.type]}`, 'protocol_error'), fatal: false };
    }
  }

  private dropRequests(reason: string): void {
    for (const request of this.requests.values()) request.cancel('tunnel_disconnected', reason);
    this.requests.clear();
  }
}
