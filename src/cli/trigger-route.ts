// Where `trigger` sends when no --to is given in a project with hooktunnel.yml routes: to the app behind the route that
// takes --path, as listen would send a delivery to that path. Before, it went to localhost:3000 whatever the routes
// said, and was recorded in the project's store as a failure.

import { usageError } from '../errors.js';
import { Forwarder } from '../forward/forwarder.js';
import type { ForwardPort } from '../forward/forward-port.js';
import { projectConfigHere, resolveRoutes } from '../project-config/find-project-config.js';
import { routePort } from '../routes/forwarded-path.js';
import { resolveRoute } from '../routes/route-table.js';

export interface TriggerRoute {
  /** Sends through the route: its target gets the rest of the path; the exchange records the path and the route. */
  forwarder(timeoutMs: number): ForwardPort;
}

/**
 * The route of the project file that takes `path`; undefined without a project file or routes (the default port then).
 * A usage error when no route takes it, or a mock does (hooktunnel answers that, no app is behind it).
 */
export async function triggerThroughRoute(path: string): Promise<TriggerRoute | undefined> {
  const file = projectConfigHere();
  if (!file) return undefined;
  // Loaded only with a project file: the YAML parser is not every run's cost.
  const { loadProjectRoutes } = await import('../project-config/read-project-config.js');
  // Timeout and Host mode are trigger's own (--timeout; rewrite, as there is no sender's Host to keep).
  const routes = resolveRoutes(loadProjectRoutes(file), { timeoutMs: 0, hostHeader: 'rewrite' });
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
