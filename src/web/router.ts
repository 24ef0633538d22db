// A small router for the inspector: method + path pattern to a handler, and the one HTTP error type handlers throw.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error that becomes an HTTP answer with this status and a one-line plain-text message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Named path parameters (`:id` → params.id). */
  params: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` is literal except for `:name` segments, which match one segment. */
  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** The handler and params for a request, or an HttpError: 404 for no such path, 405 for a known path and another method. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } {
    let pathKnown = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname);
      if (!found) continue;
      pathKnown = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])));
      } catch {
        throw new HttpError(400, `the path ${JSON.stringify(pathname)} is not valid percent-encoding`);
      }
      return { handler: route.handler, params };
    }
    throw pathKnown ? new HttpError(405, `${method} is not allowed here`) : new HttpError(404, `no such page: ${pathname}`);
  }
}
