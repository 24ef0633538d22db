// A file the user named on the command line (import's HAR, replay's --body-file): read whole, or refused with what is
// wrong in words (exit 2), not Node's "ENOENT: no such file or directory, open '…'".

import { readFileSync } from 'node:fs';
import { usageError } from './errors.js';

/** Why a file could not be read, in words ("no such file", "permission denied"), for any message about one. */
export function whyUnreadable(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error.message;
  }
}

/** `named` says where the path came from in the message: "--body-file", or "" for an argument. */
export function readUserFile(path: string, named: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw usageError(`could not read ${named ? `${named} ` : ''}${path}: ${whyUnreadable(error as NodeJS.ErrnoException)}`, 'check the path');
  }
}
