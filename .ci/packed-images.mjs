// Fails when a Markdown file in the npm tarball shows an image the tarball does not hold: the README and docs of an
// installed package (and package viewers that render from the tarball) would show a broken image.
// Usage: node .ci/packed-images.mjs <tarball>

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

const tarball = process.argv[2];
if (!tarball) {
  console.error('usage: node .ci/packed-images.mjs <tarball from npm pack>');
  process.exit(2);
}
const packed = new Set(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, '')));

/** Image sources in Markdown (`![alt](src "title")`) and in HTML (`<img src="src">`). */
function imageSources(markdown) {
  const markdownImages = [...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const htmlImages = [...markdown.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)].map((m) => m[1]);
  return [...markdownImages, ...htmlImages];
}

const missing = [];
for (const file of [...packed].filter((path) => path.endsWith('.md'))) {
  // The packed file is the working tree's (npm pack copies it as it is).
  for (const source of imageSources(readFileSync(file, 'utf8'))) {
    // Absolute URLs (https:, data:) and site-absolute paths do not come from the tarball.
    if (/^[a-z][a-z0-9+.-]*:/i.test(source) || source.startsWith('/')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), source.replace(/[?#].*$/, '')));
    if (!packed.has(target)) missing.push(`${file} shows ${source} (${target}), which is not in the package`);
  }
}
if (missing.length > 0) {
  console.error(`npm pack: ${missing.length} image${missing.length === 1 ? '' : 's'} missing from ${tarball}:\n  ${missing.join('\n  ')}`);
  console.error('add them to "files" in package.json');
  process.exit(1);
}
console.log(`npm pack: every image the packed Markdown files show is in ${tarball}`);
