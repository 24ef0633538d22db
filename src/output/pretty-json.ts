// JSON.stringify(value, null, 2) a line at a time, up to a number of characters. The pretty form of a body is not
// bounded by its size: every level of nesting indents each line inside it by two more spaces, so 250 KB of arrays
// nested 1,500 deep prints as 374 million characters (seconds of a frozen `listen`, gigabytes). A view asks for what
// it can show and the printing stops there. It follows the value with a stack of its own, not recursion, so no
// nesting a sender can post overflows the call stack either.

export interface PrettyJson {
  /** The lines, as JSON.stringify(value, null, 2).split('\n') gives them, as far as the budget went. */
  lines: string[];
  /** False when the budget ran out first: the lines are the beginning only (the last one may be cut). */
  complete: boolean;
}

/** An array or object being printed: its entries are printed one per step, then its closing line. */
interface Open {
  container: unknown[] | Record<string, unknown>;
  /** An object's keys; null for an array. */
  keys: string[] | null;
  next: number;
  depth: number;
  /** ',' when more entries follow the container in its parent. */
  comma: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The pretty lines of a value read by JSON.parse (arrays, objects, strings, numbers, booleans, null), stopping once
 * `maxChars` characters (newlines counted) have been printed.
 */
export function prettyJsonLines(value: unknown, maxChars: number): PrettyJson {
  const lines: string[] = [];
  const indents = [''];
  const indent = (depth: number) => (indents[depth] ??= ' '.repeat(depth * 2));
  let room = maxChars;
  const stack: Open[] = [];

  /** Adds one line; false (and the part that fits) once the budget is spent. */
  const emit = (text: string): boolean => {
    if (text.length + 1 > room) {
      // What fits of the line, and a mark where the printing stopped.
      lines.push(`${text.slice(0, Math.max(0, room - 1))}…`);
      room = 0;
      return false;
    }
    lines.push(text);
    room -= text.length + 1;
    return true;
  };

  /** Prints a value's first line after `prefix` (indent and key); an array or object with entries is opened. */
  const start = (prefix: string, v: unknown, depth: number, comma: string): boolean => {
    const keys = isPlainObject(v) ? Object.keys(v) : null;
    const size = Array.isArray(v) ? v.length : keys ? keys.length : 0;
    if (size === 0) return emit(`${prefix}${JSON.stringify(v)}${comma}`);
    stack.push({ container: v as Open['container'], keys, next: 0, depth, comma });
    return emit(`${prefix}${keys ? '{' : '['}`);
  };

  let going = start('', value, 0, '');
  while (going && stack.length > 0) {
    const open = stack[stack.length - 1];
    const size = open.keys ? open.keys.length : (open.container as unknown[]).length;
    if (open.next === size) {
      stack.pop();
      going = emit(`${indent(open.depth)}${open.keys ? '}' : ']'}${open.comma}`);
      continue;
    }
    const at = open.next++;
    const comma = at < size - 1 ? ',' : '';
    const inner = indent(open.depth + 1);
    if (open.keys) {
      const key = open.keys[at];
      going = start(`${inner}${JSON.stringify(key)}: `, (open.container as Record<string, unknown>)[key], open.depth + 1, comma);
    } else {
      going = start(inner, (open.container as unknown[])[at], open.depth + 1, comma);
    }
  }
  return { lines, complete: going };
}
