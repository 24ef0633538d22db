// Mounts the App on the real terminal: alternate screen in, Ink rendering, and the terminal restored on the way out.

import { render } from 'ink';
import { App } from './App.js';
import { openInBrowser } from '../open-browser.js';
import { osc52 } from './clipboard.js';
import { heldOutput } from './held-output.js';
import type { Suspend, TuiModel } from './model.js';
import { TerminalInput } from './terminal-input.js';

/** Ink's own frame cap, matching the feed's coalescing (~20 frames a second). */
const MAX_FPS = 20;

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const CLEAR_LINE = '\r\x1b[K';
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

export interface TuiHandle {
  /**
   * Resolves when the UI has exited (the user quit, or `close()` was called) and the terminal is restored; rejects on
   * a render error. Closed while $EDITOR has the terminal, it resolves without waiting for the editor: see `finished`.
   */
  done: Promise<void>;
  /** Resolves once `done` has and any editor open at the time has exited, after onExit ran. */
  finished: Promise<void>;
  /** Unmounts the UI if it is still up. Idempotent. */
  close(): void;
}

export interface TuiOptions {
  stdout?: NodeJS.WriteStream;
  /** Called after the terminal is restored: what to print to the normal screen (e.g. the copied curl commands). */
  onExit?(copied: readonly string[]): void;
}

/** Starts the UI over `model`, reading keys from the terminal at fd 0. The caller owns the model and closes it after `done`. */
export function startTui(model: TuiModel, options: TuiOptions = {}): TuiHandle {
  const stdout = options.stdout ?? process.stdout;
  // Ink gets a stdin and a stdout that can let go of the terminal while the editor has it (see suspend).
  const input = new TerminalInput(0);
  const output = heldOutput(stdout);
  const copied: string[] = [];
  let closed = false;
  let restored = false;
  /** The editor's run while it has the terminal. */
  let editing: Promise<unknown> | undefined;
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
   * The event loop runs on meanwhile (webhooks are forwarded and recorded, the UI's state follows them), but Ink
   * neither reads a key nor draws until the editor exits; App then redraws the whole frame.
   */
  const suspend: Suspend = async (run) => {
    output.hold();
    input.release();
    // As git does: a hint for editors that open elsewhere (code --wait), erased again once the editor is done.
    stdout.write(`${SHOW_CURSOR}${LEAVE_ALT_SCREEN}hooktunnel: waiting for your editor to close the file… `);
    // The normal screen is the editor's now: closing the UI meanwhile must not switch screens under it.
    restored = true;
    const running = run();
    editing = running;
    try {
      return await running;
    } finally {
      editing = undefined;
      if (closed) {
        // Closed meanwhile (a signal ended listen): the screen and the keys stay the shell's; only the hint goes.
        stdout.write(CLEAR_LINE);
      } else {
        stdout.write(`${CLEAR_LINE}${ENTER_ALT_SCREEN}${CLEAR_SCREEN}${HIDE_CURSOR}`);
        restored = false;
        input.reclaim();
        output.release();
      }
    }
  };

  const instance = render(
    <App
      model={model}
      onCopy={(command) => {
        copied.push(command);
        stdout.write(osc52(command));
      }}
      onOpen={openInBrowser}
      onSuspend={suspend}
    />,
    // Ink uses a TTY stdin's isTTY, setRawMode, setEncoding, ref/unref and its readable stream: all TerminalInput has.
    { stdout: output.stream, stdin: input as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: true, maxFps: MAX_FPS },
  );

  // A render error rejects `done` after the terminal is restored, so the CLI reports it as the bug it is.
  const finish = () => {
    closed = true;
    // The terminal handle would keep the process alive.
    input.destroy();
    restore();
  };
  let finished: Promise<void> = Promise.resolve();
  const done = instance.waitUntilExit().then(
    () => {
      finish();
      // An editor still open keeps the terminal: what onExit prints waits for it, so it is not drawn over the edit.
      const editor = editing;
      if (!editor) return options.onExit?.(copied);
      finished = editor.then(
        () => options.onExit?.(copied),
        () => options.onExit?.(copied),
      );
    },
    (error: unknown) => {
      finish();
      throw error;
    },
  );
  void done.finally(() => process.off('exit', restore)).catch(() => {});
  return {
    done,
    finished: done.then(() => finished),
    close: () => instance.unmount(),
  };
}
