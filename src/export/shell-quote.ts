// Shell quoting for exported commands: plain POSIX single quotes when safe, byte escapes when not.

import { sanitize } from '../sanitize.js';

/** POSIX single quotes; `'` becomes `'\''`. Everything else is literal inside them. */
export function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A word for a command line the user copies: bare when the shell reads it as is (most paths), else as quoteArg. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : quoteArg(text);
}

/** Bash/zsh/ksh ANSI-C quoting, `$'...'`, with every byte outside printable ASCII as `\xHH`. Cannot carry NUL. */
export function ansiCQuote(bytes: Buffer): string {
  let out = "$'";
  for (const byte of bytes) {
    if (byte === 0x27) out += "\\'";
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

/** A POSIX `printf` format that writes exactly these bytes (octal escapes, `%` doubled); it can carry NUL. */
export function printfFormat(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x25) out += '%%';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return singleQuote(out);
}

/**
 * An argument made of header text or a URL. Node decodes header bytes as latin1, so anything beyond printable ASCII
 * goes out as escapes of those original bytes: the command then sends what was recorded, and prints no control codes.
 */
export function quoteArg(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return singleQuote(text);
  const latin1 = [...text].every((ch) => ch.charCodeAt(0) <= 0xff);
  return ansiCQuote(Buffer.from(text, latin1 ? 'latin1' : 'utf8'));
}

/** An HTTP method, bare when it is plain letters (it always is, unless the recording is hostile). */
export function quoteMethod(method: string): string {
  return /^[A-Za-z]+$/.test(method) ? method : quoteArg(method);
}

/** True when a body can sit in single quotes as text: valid UTF-8 with no control, bidi or invisible characters. */
export function isPrintableText(bytes: Buffer): boolean {
  const text = bytes.toString('utf8');
  return Buffer.from(text).equals(bytes) && sanitize(text, { multiline: true }) === text;
}
