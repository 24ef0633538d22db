// Reads a YAML file into positioned values: every error names the file, the line and column, and the key path.
// Parsing is the `yaml` library's; this only walks its nodes and turns what it finds into clear messages.

import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { UserError, EXIT_USAGE } from '../errors.js';

/** A config error: `hooktunnel.yml:12:5: routes./stripe.timeout: "soon" is not a duration`. */
export class ConfigError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: EXIT_USAGE });
  }
}

/** A `${VAR}` whose variable is unset or empty: commands that can do without the value may leave it out. */
export class UnsetVariableError extends ConfigError {}

export class YamlReader {
  private readonly lines = new LineCounter();
  readonly root: Node | null;

  constructor(
    readonly file: string,
    text: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    // uniqueKeys (the default) makes a repeated key, such as the same route twice, a parse error.
    const doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: true });
    const [first] = [...doc.errors, ...doc.warnings];
    if (first) {
      const pos = first.linePos?.[0];
      let message = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // The library says only "Map keys must be unique": name the key, which may be far from the first one.
      const repeated = first.code === 'DUPLICATE_KEY' ? keyAt(doc, first.pos[0]) : undefined;
      if (repeated !== undefined) message = `key ${JSON.stringify(repeated)} appears twice (map keys must be unique)`;
      throw new ConfigError(`${file}:${pos ? `${pos.line}:${pos.col}` : '1:1'}: ${message}`);
    }
    this.root = (doc.contents as Node | null) ?? null;
  }

  /** `file:line:col` of a node. */
  at(node: Node | null | undefined): string {
    const offset = node?.range?.[0];
    if (offset === undefined) return `${this.file}:1:1`;
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  fail(node: Node | null | undefined, key: string, message: string, hint?: string): ConfigError {
    return new ConfigError(`${this.at(node)}: ${key}: ${message}`, hint);
  }

  /** The pairs of a mapping, keys as strings; unknown keys are refused with the list of known ones. */
  entries(node: Node | null, key: string, known?: readonly string[]): { key: string; keyNode: Node; value: Node | null }[] {
    if (!isMap(node)) throw this.fail(node, key || '(top level)', 'must be a mapping (key: value lines)');
    return node.items.map((pair: Pair) => {
      const keyNode = pair.key as Node;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        throw this.fail(keyNode, key || '(top level)', 'keys must be plain text');
      }
      const name = String(keyNode.value);
      const path = key ? `${key}.${name}` : name;
      if (known && !known.includes(name)) throw this.fail(keyNode, path, 'unknown key', `known keys here: ${known.join(', ')}`);
      return { key: name, keyNode, value: (pair.value as Node | null) ?? null };
    });
  }

  /** A text value with `${VAR}` taken from the environment (`$$` for a literal `$`); numbers are read as text. */
  string(node: Node | null, key: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object' || typeof node.value === 'boolean') {
      throw this.fail(node, key, 'must be text');
    }
    return this.expand(node, key, String(node.value));
  }

  number(node: Node | null, key: string): number {
    if (isScalar(node) && typeof node.value === 'number') return node.value;
    // `keep: ${KEEP}`: the variable's text is read as the number YAML would have read there.
    const text = this.fromVariable(node, key);
    if (text === undefined || !/^\s*-?\d+(\.\d+)?\s*$/.test(text)) throw this.fail(node, key, text === undefined ? 'must be a number' : `must be a number, not "${text}"`);
    return Number(text);
  }

  boolean(node: Node | null, key: string): boolean {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    const text = this.fromVariable(node, key)?.trim();
    if (text === 'true' || text === 'false') return text === 'true';
    throw this.fail(node, key, text === undefined ? 'must be true or false' : `must be true or false, not "${text}"`);
  }

  /**
   * A plain text value that holds a `${VAR}`, expanded; undefined for anything else. README promises `${VAR}` "in any
   * value", numbers and switches included; a quoted "5" stays text (a wrong type), as it is in YAML.
   */
  private fromVariable(node: Node | null, key: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || !/\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(node.value)) return undefined;
    return this.expand(node, key, node.value);
  }

  /** A list of text values; a single value is a list of one. */
  strings(node: Node | null, key: string): string[] {
    if (isSeq(node)) return node.items.map((item, i) => this.string(item as Node, `${key}[${i}]`));
    return [this.string(node, key)];
  }

  /** Plain data (for the `secrets` map, checked by its own module), strings expanded. */
  data(node: Node | null, key: string): unknown {
    if (isMap(node)) return Object.fromEntries(this.entries(node, key).map((e) => [e.key, this.data(e.value, `${key}.${e.key}`)]));
    if (isSeq(node)) return node.items.map((item, i) => this.data(item as Node, `${key}[${i}]`));
    if (isScalar(node) && typeof node.value === 'string') return this.expand(node, key, node.value);
    return isScalar(node) ? node.value : null;
  }

  private expand(node: Node, key: string, text: string): string {
    return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string | undefined) => {
      if (!name) return '$';
      const value = this.env[name];
      if (value === undefined || value === '') {
        const error = this.fail(node, key, `the environment variable ${name} is not set`, `export ${name}=… before running hooktunnel`);
        throw new UnsetVariableError(error.message, error.hint);
      }
      return value;
    });
  }
}

/** The text of the mapping key that starts at this offset, if one does. */
function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (isScalar(key) && key.range?.[0] === offset) {
        found = String(key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
