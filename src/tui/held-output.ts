// Ink's stdout, with a switch that drops what Ink writes while another program (the editor) owns the screen.

export interface HeldOutput {
  /** The terminal as Ink sees it: every property is the real stream's, only `write` goes through the switch. */
  stream: NodeJS.WriteStream;
  /** From now on Ink's writes are dropped. */
  hold(): void;
  /** Ink's writes reach the terminal again. The caller has Ink redraw its whole frame, since what it drew meanwhile was lost. */
  release(): void;
}

/**
 * Ink draws whenever state changes (a webhook arrived, the terminal was resized, a console line), and the UI's state
 * goes on changing while the editor is open. Dropping the frames, rather than keeping them for later, is right: only
 * the last one matters and the UI redraws it whole when it takes the screen back.
 */
export function heldOutput(terminal: NodeJS.WriteStream): HeldOutput {
  let held = false;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (!held) return (terminal.write as (...args: unknown[]) => boolean)(chunk, ...rest);
    // A caller waiting for its write to complete is told it did, as it would be on a terminal nobody looks at.
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (callback) process.nextTick(callback);
    return true;
  };
  const stream = new Proxy(terminal, {
    get(target, key) {
      if (key === 'write') return write;
      const value: unknown = Reflect.get(target, key, target);
      // Methods run on the real stream, so `on('resize')` and `columns` are the terminal's own.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    stream,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
    },
  };
}
