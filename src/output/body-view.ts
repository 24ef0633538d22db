// Renders a body for people: JSON pretty-printed, forms decoded, text as text, binary summarised. Never for --raw.

import { isUtf8 } from 'node:buffer';
import { gunzipFailureText, gunzipHead, gunzipOrWhy, MAX_DECODED_BYTES, type GunzipFailure, type GunzipHead } from '../gzip-body.js';
import { sanitize } from '../sanitize.js';
import { prettyJsonLines } from './pretty-json.js';

export type BodyKind = 'empty' | 'json' | 'form' | 'text' | 'binary';

export interface BodyView {
  kind: BodyKind;
  /** Sanitised lines ready for a terminal. */
  lines: string[];
  /** One-line description: size, type, encoding. */
  summary: string;
}

const PREVIEW_BYTES = 32;
/**
 * Bodies past this are shown in part (the first bytes, said so in the summary): as one string for a page, a body of
 * about 512 MiB is more than Node can hold, and a local app's answer has no size limit. The gzip bound, so an
 * inflated body always fits whole.
 */
export const MAX_VIEW_BYTES = MAX_DECODED_BYTES;
/**
 * Pretty-printed JSON past this many characters is cut (the summary says so): the pretty form of a body is not
 * bounded by its size (nesting indents every line inside it), and a page of a few megabytes of JSON is already more
 * than anyone reads in a terminal. `show --raw` has the whole body.
 */
export const MAX_PRETTY_CHARS = 16 * 1024 * 1024;

/** How much of a body a view reads and prints. */
export interface ViewLimits {
  /** Bytes of the body read; a larger body is shown in part. */
  bytes: number;
  /** Characters of pretty-printed JSON printed. */
  prettyChars: number;
}

/** A page (`show`, `wait`): the bounds above. */
const PAGE_LIMITS: ViewLimits = { bytes: MAX_VIEW_BYTES, prettyChars: MAX_PRETTY_CHARS };

/** The first `limit` bytes, cut back to a UTF-8 character boundary so a text body does not turn "binary". */
function utf8Head(body: Buffer, limit: number): Buffer {
  if (body.length <= limit) return body;
  let end = limit;
  // Continuation bytes are 10xxxxxx; a character is at most 4 bytes.
  while (end > limit - 4 && (body[end] & 0xc0) === 0x80) end--;
  return body.subarray(0, end);
}

/**
 * A gzip body inflated for a view: whole, up to the bound, for a page; for a view that shows less (the TUI's pane) only
 * as much as it shows, so a bomb does not cost the thread a 64 MiB inflate at each look.
 */
function inflate(bytes: Buffer, limit: number): GunzipHead | GunzipFailure {
  if (limit < MAX_DECODED_BYTES) return gunzipHead(bytes, limit);
  const all = gunzipOrWhy(bytes);
  return Buffer.isBuffer(all) ? { head: all, whole: true } : all;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A form's fields, `name = value`. A value that is a JSON object or array (Slack's interactivity posts all of it as
 * one field, `payload`) is pretty-printed under its name, as long as the pretty text of all such fields stays within
 * `prettyChars`; past that, fields are shown as they came.
 */
function formLines(text: string, prettyChars: number): string[] {
  const lines: string[] = [];
  let room = prettyChars;
  for (const [name, value] of new URLSearchParams(text)) {
    const pretty = /^\s*[[{]/.test(value) && isJson(value) ? prettyJsonLines(value, room) : null;
    if (pretty?.complete) {
      lines.push(`${sanitize(name)} = (JSON)`);
      for (const line of pretty.lines) {
        lines.push(`  ${sanitize(line)}`);
        room -= line.length + 1;
      }
    } else {
      lines.push(`${sanitize(name)} = ${sanitize(value)}`);
    }
  }
  return lines;
}

/** Hex of the first bytes, for binary bodies. */
export function hexPreview(bytes: Buffer): string {
  const hex = [...bytes.subarray(0, PREVIEW_BYTES)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > PREVIEW_BYTES ? `${hex} …` : hex;
}

/**
 * `gzip`: the headers say gzip (isGzip); the body is shown inflated when it really is. Past `limits.bytes` bytes (the
 * TUI's pane takes less than a page) only the first are shown, past `limits.prettyChars` characters only the first of
 * the pretty JSON, and the summary says so.
 */
export function viewBody(bytes: Buffer, contentType = '', gzip = false, limits: ViewLimits = PAGE_LIMITS): BodyView {
  const limit = limits.bytes;
  const type = contentType.split(';')[0].trim().toLowerCase();
  const size = `${bytes.length.toLocaleString('en-US')} bytes`;
  if (bytes.length === 0) return { kind: 'empty', lines: [], summary: 'empty' };
  const inflated = gzip ? inflate(bytes, limit) : null;
  if (typeof inflated === 'string') {
    // A bomb past the bound, or not really gzip (or cut short): say which, then show the bytes as they are.
    const raw = viewBody(bytes, contentType, false, limits);
    return { ...raw, summary: `${raw.summary} (labelled gzip, but ${gunzipFailureText(inflated)}: shown as stored)` };
  }
  if (inflated?.whole) {
    const inner = viewBody(inflated.head, contentType, false, limits);
    return { ...inner, summary: `${size} gzip → ${inner.summary}` };
  }
  if (inflated) {
    // Only its beginning was inflated: cut back to a whole character, as a large body is.
    const shown = utf8Head(inflated.head, inflated.head.length - 1);
    const inner = viewBody(shown, contentType, false, limits);
    const cut = inner.kind === 'binary' ? '' : ` (first ${shown.length.toLocaleString('en-US')} shown)`;
    return { ...inner, summary: inner.summary.replace(/^[\d,]+ bytes/, `${size} gzip → over ${limit.toLocaleString('en-US')} bytes${cut}`) };
  }
  if (bytes.length > limit) {
    const shown = utf8Head(bytes, limit);
    const part = viewBody(shown, contentType, false, limits);
    // A binary body shows only its first bytes in hex, whatever part of it was read.
    const cut = part.kind === 'binary' ? '' : ` (first ${shown.length.toLocaleString('en-US')} shown)`;
    return { ...part, summary: part.summary.replace(/^[\d,]+ bytes/, `${size}${cut}`) };
  }
  const label = type ? `${size}, ${sanitize(type)}` : size;
  if (!isUtf8(bytes)) {
    return { kind: 'binary', lines: [`binary, first bytes: ${hexPreview(bytes)}`], summary: `${label}, binary` };
  }
  const text = bytes.toString('utf8');
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    if (isJson(text)) {
      const pretty = prettyJsonLines(text, limits.prettyChars);
      // Each line is sanitised on its own: JSON allows no raw newline inside a string, so none is inside a line.
      const lines = pretty.lines.map((line) => sanitize(line));
      const cut = pretty.complete ? '' : ` (pretty-printed in part: the first ${limits.prettyChars.toLocaleString('en-US')} characters)`;
      return { kind: 'json', lines, summary: `${label}${cut}` };
    }
  }
  if (type === 'application/x-www-form-urlencoded') return { kind: 'form', lines: formLines(text, limits.prettyChars), summary: label };
  return { kind: 'text', lines: sanitize(text, { multiline: true }).split('\n'), summary: label };
}
