// Frames sent in one event-loop turn leave the process in one write (writev) instead of one syscall each:
// the socket is corked at the turn's first frame and uncorked when the turn ends. Under load this is the
// difference between a syscall per webhook and one per turn; alone, a frame waits only for the turn to end.

import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export class TurnBatcher {
  private corked = false;

  constructor(private readonly ws: WebSocket) {}

  send(frame: Buffer, onFlushed?: () => void): void {
    // ws keeps its socket as `_socket`; without it (not yet connected) frames go out one by one.
    const socket = (this.ws as unknown as { _socket?: Duplex })._socket;
    if (socket && !this.corked) {
      this.corked = true;
      socket.cork();
      setImmediate(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    this.ws.send(frame, onFlushed);
  }
}
