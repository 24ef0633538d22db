// Prints a results file's tables as Markdown: `node dist/bench/to-markdown.js bench/results/<date>.json`.

import { readFileSync } from 'node:fs';
import { renderMarkdown } from './report.js';
import type { BenchResults } from './results.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node dist/bench/to-markdown.js bench/results/<date>.json\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${renderMarkdown(JSON.parse(readFileSync(file, 'utf8')) as BenchResults)}\n`);
}
