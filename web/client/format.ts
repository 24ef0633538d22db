// Numbers, times and header values as the page shows them.

/**
 * 1024-based units named as such (KiB, MiB, GiB), as `hooktunnel ls`, `show` and the TUI say them: formatSize in
 * src/output/format.ts is the same function (this page is compiled apart, from web/client only); keep the two alike.
 */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  // 1,048,575 bytes is 1.0 MiB, not "1024.0 KiB": the next unit once the rounded figure reaches 1024.
  while (unit < SIZE_UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${SIZE_UNITS[unit]}`;
}

const SIZE_UNITS = ['KiB', 'MiB', 'GiB'];

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * When an exchange arrived, as the list shows it: the time of day for today's; before that the date too (`Dec 05
 * 14:03:11`), and the year when not this one (`Dec 05 2025 14:03:11`), as `hooktunnel ls` does (formatListTime in
 * src/output/format.ts). A store kept for days has a 14:03:11 on each of them.
 */
export function formatListTime(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  const today = new Date(now);
  const time = formatTime(iso);
  if (d.toDateString() === today.toDateString()) return time;
  const date = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, '0')}`;
  return d.getFullYear() === today.getFullYear() ? `${date} ${time}` : `${date} ${d.getFullYear()} ${time}`;
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(iso)}.${pad(d.getMilliseconds(), 3)}`;
}

export function bytesLabel(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

/**
 * A header value as a person reads it: HTTP carries bytes, which arrive one per character (latin1), so UTF-8 such
 * as `café` would show as `cafÃ©`. Decoded when the bytes are valid UTF-8 (the server's headerValueText does the same).
 */
export function headerValueText(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(value, (ch) => ch.charCodeAt(0)));
  } catch {
    return value;
  }
}

/** The other way: what a person typed, as the bytes HTTP carries (UTF-8), one per character. */
export function headerValueBytes(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? String.fromCharCode(...new TextEncoder().encode(text)) : text;
}
