import path from 'node:path';

interface IgnorePattern {
  text: string;
  exclusion: boolean;
  regex: RegExp;
}

/**
 * A .dockerignore as Docker reads it (moby/patternmatcher): patterns in order, the last one
 * that matches a path (or one of its parent directories) decides, `!` re-includes, `*` and `?`
 * stay within one path segment, `**` spans any number of them.
 */
export class DockerIgnore {
  private readonly patterns: IgnorePattern[];

  constructor(text: string) {
    this.patterns = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const exclusion = line.startsWith('!');
        const cleaned = path.posix
          .normalize(exclusion ? line.slice(1).trim() : line)
          .replace(/^\/+/, '')
          .replace(/\/+$/, '');
        return { text: line, exclusion, regex: patternToRegex(cleaned) };
      });
  }

  /** Whether the path (relative to the context root, POSIX separators) stays out of the context. */
  excludes(relativePath: string): boolean {
    const segments = relativePath.split('/');
    const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const pattern of this.patterns) {
      if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.exclusion;
    }
    return excluded;
  }
}

function patternToRegex(pattern: string): RegExp {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        // `**/` matches zero or more whole directories.
        i++;
        regex += '(?:.*/)?';
      } else {
        regex += '.*';
      }
    } else if (char === '*') {
      regex += '[^/]*';
    } else if (char === '?') {
      regex += '[^/]';
    } else {
      regex += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${regex}$`);
}
