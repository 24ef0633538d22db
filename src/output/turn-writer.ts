// Lines printed in one event-loop turn leave in one write: with --json under load that is one syscall per turn
// instead of one per exchange (the CLI's profile showed writeSync to stdout at 3 % of its time).

/** A write function that coalesces the text of one turn, and the flush that ends it (call it before exiting). */
export function turnWriter(write: (text: string) => void): { write: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0] : pending.join('');
    pending = [];
    write(text);
  };
  return {
    write(text) {
      pending.push(text);
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
    flush,
  };
}
