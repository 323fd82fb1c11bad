/**
 * Compiles an identity or builder pattern.
 *
 * `/…/` is a regular expression; anything else is a glob where `*` stays
 * within one path segment, `**` crosses segments and `?` is one character.
 * Both are anchored at start and end: an unanchored pattern such as
 * `github.com/acme` would otherwise also trust `evil.example/github.com/acme`.
 */
export function compilePattern(pattern: string): RegExp {
  const regex = /^\/(.+)\/$/.exec(pattern);
  if (regex) {
    return new RegExp(`^(?:${regex[1]})$`);
  }
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export function matchesPattern(pattern: string, value: string): boolean {
  return compilePattern(pattern).test(value);
}

export function matchesAny(patterns: string[], value: string): boolean {
  return patterns.some(pattern => matchesPattern(pattern, value));
}
