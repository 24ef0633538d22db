// Small formatters shared by the log lines, `ls`, `show` and the TUI.

import chalk from 'chalk';

/**
 * A size as `ls`, `show`, `diff` and the TUI show it, in 1024-based units named as such (KiB, MiB, GiB), as the README,
 * the error messages and the web inspector say them: 12,000,416 bytes is 11.4 MiB, which "MB" would make 12.0.
 * web/client/format.ts has the same function (the page is compiled apart, from web/client only); keep the two alike.
 */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  // 1,048,575 bytes is 1.0 MiB, not "1024.0 KiB": the next unit once the rounded figure reaches 1024.
  while (unit < UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * When an exchange arrived, as a list shows it: the time of day for today's; before that the date too (`Dec 05
 * 14:03:11`, as `ls -l` dates older files), and the year when not this one (`Dec 05 2025 14:03:11`). A store kept
 * for days has a 14:03:11 on each of them. The live inspector's list uses it too; the web inspector's does the same
 * (web/client/format.ts).
 */
export function formatListTime(epochMs: number, now = Date.now()): string {
  const d = new Date(epochMs);
  const today = new Date(now);
  const time = formatTime(epochMs);
  if (d.toDateString() === today.toDateString()) return time;
  const date = `${MONTHS[d.getMonth()]} ${pad(d.getDate())}`;
  return d.getFullYear() === today.getFullYear() ? `${date} ${time}` : `${date} ${d.getFullYear()} ${time}`;
}

/** `15:18:03`: a list's TIME column is this wide while every row in it is from today. */
export const TIME_OF_DAY_WIDTH = 8;

/**
 * The TIME column of a list over these arrival times, read on one clock: each row's text, and the column's width (the
 * widest, at least a time of day's), so a row from another day does not push the columns after it out of line.
 */
export function listTimeColumn(epochMs: readonly number[], now = Date.now()): { times: string[]; width: number } {
  const times = epochMs.map((at) => formatListTime(at, now));
  return { times, width: times.reduce((widest, time) => Math.max(widest, time.length), TIME_OF_DAY_WIDTH) };
}

export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(epochMs)}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const UNITS = ['KiB', 'MiB', 'GiB'];

const pad = (n: number) => String(n).padStart(2, '0');

/** Colours a status by class; errors made by hooktunnel and missing answers stand out. */
export function colorStatus(status: number | null, failed: boolean): string {
  if (status === null) return chalk.yellow('…');
  const text = String(status);
  if (failed || status >= 500) return chalk.red.bold(text);
  if (status >= 400) return chalk.yellow(text);
  if (status >= 300) return chalk.cyan(text);
  return chalk.green(text);
}

/** Pads to a visible width, ignoring ANSI colour codes that chalk added. */
export function padVisible(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*m/g, '').length;
  return visible >= width ? text : text + ' '.repeat(width - visible);
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
