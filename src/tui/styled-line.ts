// Lines made of coloured segments, and hard wrapping to a width, so the detail pane can scroll by exact rows.

/** A run of text with one style. The text must already be sanitised. */
export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

/** One terminal line. */
export type StyledLine = Segment[];

/** One unstyled or uniformly styled line. */
export function line(text: string, style: Omit<Segment, 'text'> = {}): StyledLine {
  return [{ text, ...style }];
}

/** Hard-wraps each line at `width` characters (code points), keeping segment styles; empty lines stay. */
export function wrapLines(lines: readonly StyledLine[], width: number): StyledLine[] {
  const out: StyledLine[] = [];
  const max = Math.max(1, width);
  for (const source of lines) {
    let current: StyledLine = [];
    let used = 0;
    for (const segment of source) {
      const chars = [...segment.text];
      // An index into the characters, not a shrinking copy: a 256 KB one-line body would take seconds otherwise.
      for (let at = 0; at < chars.length; ) {
        if (used === max) {
          out.push(current);
          current = [];
          used = 0;
        }
        const take = Math.min(max - used, chars.length - at);
        current.push({ ...segment, text: chars.slice(at, at + take).join('') });
        used += take;
        at += take;
      }
    }
    out.push(current);
  }
  return out;
}
