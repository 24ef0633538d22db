// The page's static files: index.html and style.css from web/static, the compiled modules from dist/web.
// Everything ships in the npm package and nothing is fetched from elsewhere, so the page works offline.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { sendJson } from './respond.js';
import { HttpError, type Router } from './router.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** The package root: the first folder up from this file holding web/static (src/web when run from source, dist/src/web when built). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'web', 'static', 'index.html'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`the inspector's files (web/static) were not found above ${from}`);
    dir = up;
  }
}

export interface StaticFiles {
  /** The bytes and content type of a file, read once. */
  get(name: 'index.html' | 'style.css' | `app/${string}`): { body: Buffer; type: string };
}

export function staticFiles(root = packageRoot()): StaticFiles {
  const cache = new Map<string, { body: Buffer; type: string }>();
  return {
    get(name) {
      const cached = cache.get(name);
      if (cached) return cached;
      const file = name.startsWith('app/') ? join(root, 'dist', 'web', name.slice(4)) : join(root, 'web', 'static', name);
      if (!existsSync(file)) {
        throw new HttpError(404, name.startsWith('app/') ? `${name} is missing; run \`npm run build\`` : `no such file: ${name}`);
      }
      const entry = { body: readFileSync(file), type: TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' };
      cache.set(name, entry);
      return entry;
    },
  };
}

export function addStaticRoutes(router: Router, files: StaticFiles): void {
  const serve = (name: Parameters<StaticFiles['get']>[0]) => ({ res }: { res: ServerResponse }) => {
    const file = files.get(name);
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
    res.end(file.body);
  };
  router.add('GET', '/style.css', serve('style.css'));
  router.add('GET', '/app/:file', (ctx) => {
    // Only our own module names: no path can climb out of dist/web.
    if (!/^[a-z][a-z0-9-]*\.js$/.test(ctx.params.file)) throw new HttpError(404, `no such module: ${ctx.params.file}`);
    serve(`app/${ctx.params.file}`)(ctx);
  });
  router.add('GET', '/favicon.ico', ({ res }) => {
    res.writeHead(204);
    res.end();
  });
  router.add('GET', '/healthz', ({ res }) => sendJson(res, 200, { ok: true }));
}
