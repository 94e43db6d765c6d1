/**
 * The slice of Shopify's search syntax the adapters use: `field:value`, `field:>value` (also `>=`,
 * `<`, `<=`), values in single or double quotes, terms joined by whitespace or `AND` (all must
 * hold) or `OR` (any may hold). Unknown fields are ignored, as Shopify ignores them (with a warning).
 */
export interface SearchTerm {
  field: string;
  comparator: '=' | '>' | '>=' | '<' | '<=';
  value: string;
}

/** Alternatives (OR) of conjunctions (AND) of terms. */
export type SearchQuery = SearchTerm[][];

export function parseSearchQuery(query: string | null | undefined): SearchQuery {
  if (!query || !query.trim()) return [];
  const tokens = tokenize(query);
  const groups: SearchTerm[][] = [[]];
  for (const token of tokens) {
    if (token === 'OR') {
      groups.push([]);
      continue;
    }
    if (token === 'AND') continue;
    const term = parseTerm(token);
    if (term) groups[groups.length - 1].push(term);
  }
  return groups.filter((group) => group.length > 0);
}

/** True when `matches` holds for every term of at least one alternative (or there are none). */
export function matchesSearch(
  query: SearchQuery,
  matches: (term: SearchTerm) => boolean | undefined,
): boolean {
  if (query.length === 0) return true;
  return query.some((group) => group.every((term) => matches(term) ?? true));
}

export function compare(comparator: SearchTerm['comparator'], actual: number, expected: number): boolean {
  switch (comparator) {
    case '=':
      return actual === expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
  }
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const char of query) {
    if (quote) {
      current += char;
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      current += char;
      quote = char;
    } else if (/\s/.test(char)) {
      if (current) tokens.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

function parseTerm(token: string): SearchTerm | undefined {
  const colon = token.indexOf(':');
  if (colon <= 0) return undefined;
  const field = token.slice(0, colon).toLowerCase();
  let rest = token.slice(colon + 1);
  let comparator: SearchTerm['comparator'] = '=';
  for (const candidate of ['>=', '<=', '>', '<'] as const) {
    if (rest.startsWith(candidate)) {
      comparator = candidate;
      rest = rest.slice(candidate.length);
      break;
    }
  }
  if ((rest.startsWith('"') && rest.endsWith('"')) || (rest.startsWith("'") && rest.endsWith("'"))) {
    rest = rest.slice(1, -1).replace(/\\(["'\\])/g, '$1');
  }
  return { field, comparator, value: rest };
}
