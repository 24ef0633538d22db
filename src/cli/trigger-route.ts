// Where `trigger` sends when no --to is given in a project with hooktunnel.yml routes: to the app behind the route that
// takes --path, as listen would send a delivery to that path. Before, it went to localhost:3000 whatever the routes
// said, and was recorded in the project's store as a failure.

import { usageError } from '../errors.js';
import { Forwarder } from '../forward/forwarder.js';
import type { ForwardPort } from '../forward/forward-port.js';
import { resolveRoutes } from '../project-config/find-project-config.js';
import type { ProjectParts } from '../project-config/project-config.js';
import { routePort } from '../routes/forwarded-path.js';
import { resolveRoute } from '../routes/route-table.js';

export interface TriggerRoute {
  /** Sends through the route: its target gets the rest of the path; the exchange records the path and the route. */
  forwarder(timeoutMs: number): ForwardPort;
}

/**
 * The route of the project file (read by the caller, null when there is none) that takes `path`; undefined without a
 * project file or routes (the default port then). A usage error when no route takes it, or a mock does (hooktunnel
 * answers that, no app is behind it).
 */
export function triggerThroughRoute(path: string, project: ProjectParts | null): TriggerRoute | undefined {
  if (!project) return undefined;
  const file = project.path;
  // Timeout and Host mode are trigger's own (--timeout; rewrite, as there is no sender's Host to keep).
  const routes = resolveRoutes(project.routes(), { timeoutMs: 0, hostHeader: 'rewrite' });
  if (routes.length === 0) return undefined;
  const route = resolveRoute(routes, path);
  const apps = routes.filter((r) => r.mode !== 'mock').map((r) => r.prefix);
  const choose = `give --path under one of its routes (${apps.join(', ')}), or --to <port|url> for another app`;
  if (!route) throw usageError(`no route in ${file} takes ${path}, and no --to was given`, choose);
  if (route.mode === 'mock') throw usageError(`the route ${route.prefix} in ${file} is a mock: hooktunnel answers it, there is no app to trigger`, choose);
  return {
    forwarder: (timeoutMs) => routePort(new Forwarder(route.target, { timeoutMs, hostHeader: 'rewrite' }), route.prefix),
  };
}
