// A port given on the command line or in the environment: a whole number 0-65535 (0: any free port), or a usage error.

import { usageError } from '../errors.js';

/** Where `listen` runs (or finds) the embedded relay unless --embedded-port says otherwise: fixed, so URLs repeat. */
export const DEFAULT_EMBEDDED_PORT = 4747;

export function parsePort(value: string, flag: string, example?: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || value.trim() === '') {
    throw usageError(`${flag} "${value}" is not a port (0-65535)`, example ? `for example ${flag} ${example}` : undefined);
  }
  return port;
}
