// The Host header mode for the local app: `rewrite` (the target's host), `preserve` (the public host), or a value.

import { usageError } from '../errors.js';
import type { HostHeaderMode } from './forwarder.js';

/** listen's default, and a route's when hooktunnel.yml sets none. */
export const DEFAULT_HOST_HEADER = 'rewrite';

export function parseHostHeader(value: string, flag = '--host-header'): HostHeaderMode {
  if (value === 'rewrite' || value === 'preserve') return value;
  if (!value.trim()) throw usageError(`${flag} needs rewrite, preserve, or a host value`);
  return { value };
}
