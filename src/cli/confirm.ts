// A y/N question on the terminal, for commands about to do something that cannot be undone.

import { createInterface } from 'node:readline';

/** Whether a person can answer: stdin and stderr (where the question goes) are both terminals. */
export function canAsk(streams: { stdin: { isTTY?: boolean }; stderr: { isTTY?: boolean } } = process): boolean {
  return Boolean(streams.stdin.isTTY && streams.stderr.isTTY);
}

/** Asks on stderr and reads one line from stdin; only "y" or "yes" (any case) is a yes, so Enter alone is a no. */
export async function confirm(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => {
      readline.question(`${question} [y/N] `, resolve);
      // Ctrl-D or a closed terminal: no answer is a no.
      readline.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}
