import { GraphQLError } from 'graphql';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

const MAX_PAGE = 250;

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ last_id: key })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { last_id?: unknown };
    if (typeof parsed.last_id === 'string') return parsed.last_id;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, {
    extensions: { code: 'BAD_REQUEST' },
  });
}

/**
 * Relay pagination as Shopify serves it: `first` or `last` is required and at most 250; cursors
 * are opaque and stable for the item (here: its id), so a page boundary survives inserts.
 */
export function paginate<T>(items: readonly T[], args: PageArgs, keyOf: (item: T) => string): Connection<T> {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first === null && last === null) {
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  if ((first !== null && first > MAX_PAGE) || (last !== null && last > MAX_PAGE)) {
    throw new GraphQLError(`The maximum number of records returned by a single query is ${MAX_PAGE}.`, {
      extensions: { code: 'MAX_PAGE_SIZE_EXCEEDED' },
    });
  }
  let start = 0;
  let end = items.length;
  if (args.after) {
    const key = decodeCursor(args.after);
    const index = items.findIndex((item) => keyOf(item) === key);
    start = index >= 0 ? index + 1 : 0;
  }
  if (args.before) {
    const key = decodeCursor(args.before);
    const index = items.findIndex((item) => keyOf(item) === key);
    if (index >= 0) end = index;
  }
  let slice = items.slice(start, end);
  let hasNextPage = end < items.length;
  let hasPreviousPage = start > 0;
  if (first !== null) {
    hasNextPage = hasNextPage || slice.length > first;
    slice = slice.slice(0, Math.max(0, first));
  } else if (last !== null) {
    hasPreviousPage = hasPreviousPage || slice.length > last;
    slice = slice.slice(Math.max(0, slice.length - last));
  }
  const edges = slice.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    nodes: slice,
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
