// The --timeout flag of every command that waits for the local app: one default (the tunnel's), one variable.

import { Option } from 'commander';
import { DEFAULT_LOCAL_TIMEOUT_MS } from '../protocol/limits.js';

export function localTimeoutOption(description = 'wait this long for the local app (0 waits forever)'): Option {
  return new Option('--timeout <duration>', description).default(`${DEFAULT_LOCAL_TIMEOUT_MS / 1000}s`).env('HOOKTUNNEL_TIMEOUT');
}
