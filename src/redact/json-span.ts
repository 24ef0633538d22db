// Finds where a value sits in JSON text (byte-exact spans), so a redaction replaces only that value and every other
// byte of the body stays as the sender wrote it.

import type { JsonPath } from '../match/json-path.js';

/** [start, end) character offsets of the value at `path`, or undefined (not JSON, or no such value). */
export function findJsonSpan(text: string, path: JsonPath): [number, number] | undefined {
  try {
    const scanner = new Scanner(text);
    scanner.ws();
    const span = scanner.find(path, 0);
    return span;
  } catch {
    return undefined;
  }
}

class Scanner {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (/[ \t\r\n]/.test(this.s[this.i] ?? '')) this.i++;
  }

  /** At a value: returns the span of the value at path[depth..] inside it, skipping what is not on the way. */
  find(path: JsonPath, depth: number): [number, number] | undefined {
    const start = this.i;
    if (depth === path.length) {
      this.skipValue();
      return [start, this.i];
    }
    const want = path[depth];
    const ch = this.s[this.i];
    if (ch === '{') {
      this.i++;
      this.ws();
      if (this.s[this.i] === '}') return undefined;
      for (;;) {
        if (this.key() === String(want)) return this.find(path, depth + 1);
        this.skipValue();
        this.ws();
        if (!this.comma()) return undefined;
      }
    }
    if (ch === '[' && typeof want === 'number') {
      this.i++;
      this.ws();
      for (let index = 0; this.s[this.i] !== ']'; index++) {
        if (index === want) return this.find(path, depth + 1);
        this.skipValue();
        this.ws();
        if (!this.comma()) return undefined;
      }
    }
    return undefined;
  }

  /** An object member's key and its colon (and the white space after it), at the key's opening quote. */
  private key(): string {
    const key = this.string();
    this.ws();
    this.expect(':');
    this.ws();
    return key;
  }

  /** Steps over a comma and the white space after it; false (nothing consumed) when the next character is not one. */
  private comma(): boolean {
    if (this.s[this.i] !== ',') return false;
    this.i++;
    this.ws();
    return true;
  }

  private expect(ch: string): void {
    if (this.s[this.i] !== ch) throw new Error(`expected ${ch}`);
    this.i++;
  }

  private string(): string {
    const start = this.i;
    this.expect('"');
    while (this.s[this.i] !== '"') {
      if (this.i >= this.s.length) throw new Error('unterminated string');
      this.i += this.s[this.i] === '\\' ? 2 : 1;
    }
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }

  /**
   * Steps over one value. Without recursion: a body nested thousands deep is valid JSON, and a stack overflow here
   * would read as "no such value", so a rule would silently leave the value it names in the stored body.
   */
  private skipValue(): void {
    // The closing brackets of the arrays and objects we are inside, innermost last.
    const open: string[] = [];
    for (;;) {
      const ch = this.s[this.i];
      if (ch === '{' || ch === '[') {
        const close = ch === '{' ? '}' : ']';
        this.i++;
        this.ws();
        if (this.s[this.i] === close) this.i++;
        else {
          open.push(close);
          if (close === '}') this.key();
          continue;
        }
      } else if (ch === '"') {
        this.string();
      } else {
        const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 400));
        if (!literal) throw new Error('not JSON');
        this.i += literal[0].length;
      }
      // A value is over: the next member or element of what holds it, or the end of that too.
      for (;;) {
        if (open.length === 0) return;
        this.ws();
        if (this.comma()) {
          if (open[open.length - 1] === '}') this.key();
          break;
        }
        this.expect(open.pop()!);
      }
    }
  }
}
