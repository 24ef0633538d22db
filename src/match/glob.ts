// Shell-style globs for match expressions and routes: `*` any run, `?` one character; in paths `*` stays inside
// one segment and `**` crosses them. Everything else is literal (no character classes: paths hold `[` often enough).

/** Compiles an anchored glob. */
export function globToRegExp(glob: string, options: { pathSegments?: boolean; ignoreCase?: boolean } = {}): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*' && options.pathSegments) {
      source += '.*';
      i++;
    } else if (ch === '*') {
      source += options.pathSegments ? '[^/]*' : '.*';
    } else if (ch === '?') {
      source += options.pathSegments ? '[^/]' : '.';
    } else {
      source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}
