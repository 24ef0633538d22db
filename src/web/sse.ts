// Server-sent events: the live feed of the page. One hub, many browser tabs.
// https://html.spec.whatwg.org/multipage/server-sent-events.html

import type { ServerResponse } from 'node:http';

/** A comment line this often keeps proxies and the browser from timing the stream out. */
const HEARTBEAT_MS = 15_000;
/** The browser reconnects this soon after the stream drops. */
const RETRY_MS = 1_000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  /** `onCount` hears the number of open streams whenever it changes (work is done only while a page is open). */
  constructor(private readonly onCount: (count: number) => void = () => {}) {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Turns a response into an event stream and keeps it until the browser goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.clients.add(res);
    this.onCount(this.clients.size);
    res.on('close', () => {
      if (this.clients.delete(res)) this.onCount(this.clients.size);
    });
  }

  /** Sends one event to every open stream. `data` is JSON, so it holds no newline that could end the event early. */
  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream. Idempotent. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}
