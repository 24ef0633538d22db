// The text view of `hooktunnel diff`: one line per difference, +/-/~ marks, every network string sanitised.

import chalk from 'chalk';
import type { ExchangeDiff, HeaderChange } from '../diff/exchange-diff.js';
import type { JsonChange } from '../diff/json-diff.js';
import { sanitize } from '../sanitize.js';
import { formatSize } from './format.js';
import { exactJsonText } from './json-text.js';

/** Long JSON values are cut here: the diff says where things differ, `show` shows them whole. */
const VALUE_WIDTH = 120;

const value = (v: unknown) => {
  const text = sanitize(exactJsonText(v));
  return text.length > VALUE_WIDTH ? `${text.slice(0, VALUE_WIDTH - 1)}…` : text;
};
const header = (h: HeaderChange, side: string[]) => side.map((v) => `${sanitize(h.name)}: ${sanitize(v)}`).join(', ');

export function diffText(diff: ExchangeDiff): string {
  const lines = [chalk.bold(`diff #${diff.a} → #${diff.b}`)];
  if (diff.same) return [...lines, 'no differences'].join('\n');
  const field = (label: string, change: { a: unknown; b: unknown } | null) => {
    if (change) lines.push(`${label.padEnd(8)} ${sanitize(String(change.a ?? '-'))} → ${sanitize(String(change.b ?? '-'))}`);
  };
  field('method', diff.method);
  field('path', diff.path);
  field('status', diff.status);
  const { added, removed, changed } = diff.headers;
  if (added.length + removed.length + changed.length > 0) {
    lines.push('headers');
    for (const h of removed) lines.push(chalk.red(`  - ${header(h, h.a)}`));
    for (const h of added) lines.push(chalk.green(`  + ${header(h, h.b)}`));
    for (const h of changed) lines.push(chalk.yellow(`  ~ ${sanitize(h.name)}: ${h.a.map((v) => sanitize(v)).join(', ')} → ${h.b.map((v) => sanitize(v)).join(', ')}`));
  }
  const body = diff.body;
  if (body.kind === 'json') {
    // Concatenated, not spread into push(): two bodies can differ in more places than a call takes arguments (two
    // arrays of 200,000 numbers), and a sender chooses them.
    if (body.changes.length > 0) return lines.concat('body (JSON)', body.changes.map(jsonLine)).join('\n');
    if (!body.sameBytes) lines.push('body     the same JSON value, written with different bytes (whitespace, key order or escapes)');
  } else if (!body.same) {
    lines.push(`body     ${formatSize(body.a.size)} sha256:${body.a.sha256.slice(0, 12)} → ${formatSize(body.b.size)} sha256:${body.b.sha256.slice(0, 12)}`);
  }
  return lines.join('\n');
}

function jsonLine(c: JsonChange): string {
  const path = sanitize(c.path);
  if (c.change === 'added') return chalk.green(`  + ${path}: ${value(c.b)}`);
  if (c.change === 'removed') return chalk.red(`  - ${path}: ${value(c.a)}`);
  return chalk.yellow(`  ~ ${path}: ${value(c.a)} → ${value(c.b)}`);
}
