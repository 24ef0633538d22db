// Opens a URL in the user's browser and says whether that worked. The `open` package resolves as soon as its launcher
// (xdg-open, macOS open, PowerShell) has started, before the launcher knows whether there is a browser: xdg-open on a
// machine without a display or a browser exits 3 a moment later. That exit is the answer, so it is waited for.

import type { ChildProcess } from 'node:child_process';
import { basename } from 'node:path';

/**
 * A launcher still running after this long has started a browser in the foreground (xdg-open runs `$BROWSER` and
 * text browsers that way, and waits for them), so it is taken to have worked.
 */
const STILL_RUNNING_MEANS_OPENED_MS = 2_000;

/** Resolves once a browser was started; rejects with why not (the launcher is missing, or found no browser). */
export async function openInBrowser(url: string): Promise<void> {
  const { default: open } = await import('open');
  await launched(await open(url));
}

/** How the launcher `open` started ends: exit 0 (or still running after a while) resolves, anything else rejects. */
function launched(child: ChildProcess): Promise<void> {
  const name = basename(child.spawnfile);
  return new Promise((resolve, reject) => {
    const failed = (why: string) => reject(new Error(`${name}: ${why}`));
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else failed(code === null ? `stopped by ${signal}` : `exit code ${code}`);
    };
    // Unref'd, as `open` unrefs the launcher: quitting right after asking must not wait for the answer.
    const timer = setTimeout(resolve, STILL_RUNNING_MEANS_OPENED_MS).unref();
    child.once('exit', ended);
    child.once('error', (error) => {
      clearTimeout(timer);
      failed(error.message);
    });
  });
}
