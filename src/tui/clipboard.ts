// OSC 52: asks the terminal to put text on the system clipboard. Terminals without support ignore it.

/** The escape sequence for `text` (base64, so the payload itself can hold no control characters). */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}
