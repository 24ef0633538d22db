// Mounts the App on the real terminal: alternate screen in, Ink rendering, and the terminal restored on the way out.

import { render } from 'ink';
import { App } from './App.js';
import { osc52 } from './clipboard.js';
import type { Suspend, TuiModel } from './model.js';

/** Ink's own frame cap, matching the feed's coalescing (~20 frames a second). */
const MAX_FPS = 20;

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const CLEAR_LINE = '\r\x1b[K';
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

export interface TuiHandle {
  /** Resolves when the UI has exited (the user quit, or `close()` was called) and the terminal is restored; rejects on a render error. */
  done: Promise<void>;
  /** Unmounts the UI if it is still up. Idempotent. */
  close(): void;
}

export interface TuiOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Called after the terminal is restored: what to print to the normal screen (e.g. the copied curl commands). */
  onExit?(copied: readonly string[]): void;
}

/** Starts the UI over `model`. The caller owns the model's resources and closes them after `done`. */
export function startTui(model: TuiModel, options: TuiOptions = {}): TuiHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const copied: string[] = [];
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_ALT_SCREEN);
  };
  // If the process dies with the UI up, still give the shell its screen back.
  process.once('exit', restore);
  stdout.write(ENTER_ALT_SCREEN);

  /**
   * Gives the terminal to a program such as $EDITOR: cooked mode, normal screen, cursor shown, then all of it back.
   * `run` blocks the event loop (spawnSync), so Ink neither draws nor reads a key meanwhile; App redraws afterwards.
   */
  const suspend: Suspend = (run) => {
    const raw = stdin.isTTY === true && stdin.isRaw;
    if (raw) stdin.setRawMode(false);
    // As git does: a hint for editors that open elsewhere (code --wait), erased again once the editor is done.
    stdout.write(`${SHOW_CURSOR}${LEAVE_ALT_SCREEN}hooktunnel: waiting for your editor to close the file… `);
    try {
      return run();
    } finally {
      stdout.write(`${CLEAR_LINE}${ENTER_ALT_SCREEN}${CLEAR_SCREEN}${HIDE_CURSOR}`);
      if (raw) stdin.setRawMode(true);
    }
  };

  const instance = render(
    <App
      model={model}
      onCopy={(command) => {
        copied.push(command);
        stdout.write(osc52(command));
      }}
      onOpen={async (url) => {
        const { default: open } = await import('open');
        await open(url);
      }}
      onSuspend={suspend}
    />,
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: MAX_FPS },
  );

  // A render error rejects `done` after the terminal is restored, so the CLI reports it as the bug it is.
  const done = instance.waitUntilExit().then(
    () => {
      restore();
      options.onExit?.(copied);
    },
    (error: unknown) => {
      restore();
      throw error;
    },
  );
  void done.finally(() => process.off('exit', restore)).catch(() => {});
  return { done, close: () => instance.unmount() };
}
