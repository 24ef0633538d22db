// Ink's stdin: the terminal's keys, from a handle that can be closed while another program (the editor) uses them.

import { Readable } from 'node:stream';
import { ReadStream } from 'node:tty';

/**
 * What Ink reads keys from, for the whole life of the UI.
 *
 * Ink reads through a 'readable' listener. Taking the listener off, pausing, or leaving raw mode does not stop Node
 * reading the terminal: libuv goes on filling the stream's buffer, so an editor started meanwhile loses keys to
 * hooktunnel, and they come back as commands when the UI resumes. Only closing the tty handle stops that. Ink keeps
 * the stream it was given, so this one stays and the handle under it is closed by `release()` and opened anew by
 * `reclaim()`. libuv reads the terminal through a descriptor of its own (it reopens the device and points fd 0 at
 * it), so closing the handle leaves fd 0 open for the editor, and the next handle opens the terminal again.
 */
export class TerminalInput extends Readable {
  readonly isTTY = true;
  /** The mode Ink asked for; applied again to each new handle. */
  isRaw = false;
  private tty: ReadStream | undefined;
  private referenced = true;

  constructor(private readonly fd = 0) {
    super();
    this.reclaim();
  }

  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.tty?.setRawMode(mode);
    return this;
  }

  ref(): this {
    this.referenced = true;
    this.tty?.ref();
    return this;
  }

  unref(): this {
    this.referenced = false;
    this.tty?.unref();
    return this;
  }

  /** Stops reading the terminal altogether and leaves it in cooked mode; keys wait in the terminal for whoever reads. */
  release(): void {
    const tty = this.tty;
    if (!tty) return;
    this.tty = undefined;
    if (this.isRaw) tty.setRawMode(false);
    tty.destroy();
  }

  /** Opens the terminal again, in the mode Ink last asked for. */
  reclaim(): void {
    if (this.tty || this.destroyed) return;
    const tty = new ReadStream(this.fd);
    tty.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) tty.pause();
    });
    // A terminal that went away (EIO after a hangup) has no more keys to give: the input ends, as process.stdin's would.
    const end = () => {
      if (this.tty === tty) this.push(null);
    };
    tty.on('end', end);
    tty.on('error', end);
    if (this.isRaw) tty.setRawMode(true);
    if (!this.referenced) tty.unref();
    this.tty = tty;
  }

  override _read(): void {
    this.tty?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.release();
    callback(error);
  }
}
