// Polls a condition until it holds or a deadline passes: TUI tests wait on what is drawn, never on fixed sleeps.

/** Resolves once `check` returns true; rejects after `timeoutMs` with `describe()` (e.g. the last frame). */
export async function waitFor(check: () => boolean, describe: () => string = () => '', timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until the frame contains `text`. */
export function waitForFrame(lastFrame: () => string | undefined, text: string | RegExp, timeoutMs?: number): Promise<void> {
  const has = () => {
    const frame = lastFrame() ?? '';
    return typeof text === 'string' ? frame.includes(text) : text.test(frame);
  };
  return waitFor(has, () => `expected ${String(text)} in:\n${lastFrame() ?? '(no frame)'}`, timeoutMs);
}

/** Waits until the frame no longer contains `text`. */
export function waitForNoFrame(lastFrame: () => string | undefined, text: string, timeoutMs?: number): Promise<void> {
  return waitFor(() => !(lastFrame() ?? '').includes(text), () => `expected no ${text} in:\n${lastFrame() ?? ''}`, timeoutMs);
}
