// Shell-style globs for match expressions and routes: `*` any run, `?` one character; in paths `*` stays inside
// one segment and `**` crosses them. Everything else is literal (no character classes: paths hold `[` often enough).

/** A run of the glob between stars: literal characters and `?`, so it always matches a fixed length. */
function chunkSource(chunk: string, pathSegments: boolean): string {
  let source = '';
  for (const ch of chunk) source += ch === '?' ? (pathSegments ? '[^/]' : '.') : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  return source;
}

/** The plain translation, star for star; the regex backtracks over every way of splitting the text. */
function backtrackingSource(glob: string, pathSegments: boolean): string {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '*' && glob[i + 1] === '*' && pathSegments) {
      source += '.*';
      i++;
    } else if (glob[i] === '*') {
      source += pathSegments ? '[^/]*' : '.*';
    } else {
      source += chunkSource(glob[i], pathSegments);
    }
  }
  return source;
}

/**
 * Compiles an anchored glob. The text is untrusted (a 25 MiB body): with backtracking, `*a*b*` against a body of "a"s
 * tries every "a" with every later position, which takes days and holds `wait` past its --timeout. So when every star
 * is of one kind, each run between two stars is taken at its earliest place inside a lookahead, which JavaScript never
 * backtracks into: matching is then linear. The earliest place is always right for a single kind of star (what a
 * later place leaves for the next star, an earlier one leaves too). `**` next to `*` in a path does need backtracking;
 * paths are short (the relay's URL limit).
 */
export function globToRegExp(glob: string, options: { pathSegments?: boolean; ignoreCase?: boolean } = {}): RegExp {
  const flags = options.ignoreCase ? 'is' : 's';
  const pathSegments = options.pathSegments === true;
  if (pathSegments && glob.includes('**')) return new RegExp(`^${backtrackingSource(glob, true)}$`, flags);
  const star = pathSegments ? '[^/]' : '.';
  const chunks = glob.split('*').map((chunk) => chunkSource(chunk, pathSegments));
  if (chunks.length === 1) return new RegExp(`^${chunks[0]}$`, flags);
  const middle = chunks.slice(1, -1).map((chunk, i) => `(?=(${star}*?${chunk}))\\${i + 1}`);
  return new RegExp(`^${chunks[0]}${middle.join('')}${star}*${chunks[chunks.length - 1]}$`, flags);
}
