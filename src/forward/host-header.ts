// The Host header mode for the local app: `rewrite` (the target's host), `preserve` (the public host), or a value.

import { usageError } from '../errors.js';
import { headerValueProblem } from '../http-headers.js';
import type { HostHeaderMode } from './forwarder.js';

/** listen's default, and a route's when hooktunnel.yml sets none. */
export const DEFAULT_HOST_HEADER = 'rewrite';

export function parseHostHeader(value: string, flag = '--host-header'): HostHeaderMode {
  if (value === 'rewrite' || value === 'preserve') return value;
  if (!value.trim()) throw usageError(`${flag} needs rewrite, preserve, or a host value`);
  // Refused here, not on every request: the HTTP client would reject the header, and each webhook would fail as if
  // the local app had broken the connection.
  const problem = headerValueProblem(value);
  if (problem) throw usageError(`${flag} ${problem}`, 'give a host such as localhost:3000');
  return { value };
}
