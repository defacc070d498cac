import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  match: RegExpExecArray,
  url: URL,
) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

/** The local cloud's HTTP endpoints; each part of it adds its own (`/admin`, `/client/…`, `/sandbox/…`, storage). */
export class RouteTable {
  private readonly routes: Route[] = [];

  add(method: string, pattern: RegExp, handler: RouteHandler): void {
    this.routes.push({ method, pattern, handler });
  }

  /** The handler for a request, or whether the path exists with another method (405) or not at all (404). */
  find(method: string, path: string): { handler: RouteHandler; match: RegExpExecArray } | 'wrong-method' | undefined {
    let pathKnown = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.method === method) return { handler: route.handler, match };
      pathKnown = true;
    }
    return pathKnown ? 'wrong-method' : undefined;
  }
}
