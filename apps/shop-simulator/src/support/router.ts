export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteMatch<T> {
  route: T;
  params: Record<string, string>;
}

interface Entry<T> {
  method: HttpMethod;
  segments: string[];
  route: T;
}

/** Matches `METHOD /path/{param}` templates; segments are split before decoding. */
export class Router<T> {
  private readonly entries: Entry<T>[] = [];

  add(method: HttpMethod, template: string, route: T): this {
    this.entries.push({ method, segments: template.split('/'), route });
    return this;
  }

  match(method: string, pathname: string): RouteMatch<T> | { methodNotAllowed: true } | undefined {
    const segments = pathname.split('/');
    let pathMatched = false;
    for (const entry of this.entries) {
      const params = matchSegments(entry.segments, segments);
      if (!params) continue;
      if (entry.method === method) return { route: entry.route, params };
      pathMatched = true;
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const part = template[i];
    if (part.startsWith('{') && part.endsWith('}')) {
      if (actual[i] === '') return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(actual[i]);
      } catch {
        return undefined;
      }
    } else if (part !== actual[i]) {
      return undefined;
    }
  }
  return params;
}
