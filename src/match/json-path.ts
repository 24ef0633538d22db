// A small JSON path: `data.object.amount`, `items[0].id`, `items.0.id`, `$.card.number`, `["a.b"].c`. Used by
// `--match body.…`, `diff` and `--redact body:…`.

import { JsonInteger, parseJsonExact } from '../json-exact.js';

/** Segments from the root: object keys, or numbers (array indexes, or keys made of digits). */
export type JsonPath = (string | number)[];

/** Parses a path; throws an Error saying what is wrong (callers turn it into a usage error). */
export function parseJsonPath(text: string): JsonPath {
  let rest = text.startsWith('$') ? text.slice(1) : text;
  if (rest.startsWith('.')) rest = rest.slice(1);
  const path: JsonPath = [];
  if (!rest) throw new Error(`"${text}" names no field`);
  let i = 0;
  while (i < rest.length) {
    if (rest[i] === '[') {
      const close = rest.indexOf(']', i);
      if (close < 0) throw new Error(`"${text}" has a [ without ]`);
      const inner = rest.slice(i + 1, close);
      if (/^\d+$/.test(inner)) path.push(Number(inner));
      else if (/^(["']).*\1$/.test(inner)) path.push(inner.slice(1, -1));
      else throw new Error(`"${text}": [${inner}] is neither an index nor a quoted key`);
      i = close + 1;
      if (rest[i] === '.') i++;
      continue;
    }
    let end = i;
    while (end < rest.length && rest[end] !== '.' && rest[end] !== '[') end++;
    const name = rest.slice(i, end);
    if (!name) throw new Error(`"${text}" has an empty field name`);
    path.push(/^\d+$/.test(name) ? Number(name) : name);
    i = rest[end] === '.' ? end + 1 : end;
    if (rest[end] === '.' && end + 1 === rest.length) throw new Error(`"${text}" ends with a dot`);
  }
  return path;
}

/** Formats a path the way users write it: `data.items[0].id`. */
export function formatJsonPath(path: JsonPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || '$';
}

/** Parses a body as JSON, integers past 2^53 as JsonIntegers; undefined when it is not (not UTF-8 JSON, or empty). */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return parseJsonExact(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A JSON object: not an array, nor a large integer (a JsonInteger is a number, with no fields to step into). */
const isJsonObject = (node: unknown): node is object => node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof JsonInteger);

/** The value at `path` in a JSON body (a Buffer is parsed first). */
export function jsonPathValue(body: Buffer | unknown, path: JsonPath): { found: true; value: unknown } | { found: false } {
  let node = Buffer.isBuffer(body) ? parseJsonBody(body) : body;
  if (node === undefined) return { found: false };
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') {
      if (segment >= node.length) return { found: false };
      node = node[segment];
    } else if (isJsonObject(node) && Object.hasOwn(node, String(segment))) {
      node = (node as Record<string, unknown>)[String(segment)];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}
