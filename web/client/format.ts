// Numbers, times and header values as the page shows them.

export function formatSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

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
