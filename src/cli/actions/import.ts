// Runs `import`: a HAR archive into the capture store, as exchanges `replay`, `ls`, `diff` and `wait` work with.

import { usageError } from '../../errors.js';
import { readHar } from '../../import/har-read.js';
import { importExchanges } from '../../import/import-exchanges.js';
import { jsonText } from '../../output/json-text.js';
import { sanitize } from '../../sanitize.js';
import { readStdin } from '../read-stdin.js';
import type { SecretFlags } from '../secret-options.js';
import { loadSecretsHere } from '../project-secrets.js';
import { throwIfUnwritten } from '../unwritten.js';
import { openStore } from '../open-store.js';
import { chooseDb } from '../project-db.js';
import { readProjectHere } from '../project-here.js';
import { readUserFile } from '../../read-user-file.js';

export interface ImportFlags extends SecretFlags {
  db?: string;
  json?: boolean;
}

/**
 * Decoded once whole, so a multi-byte character split across chunks stays intact. An archive too large for one
 * JavaScript string (about 512 MiB) is refused in words instead of crashing on Node's ERR_STRING_TOO_LONG.
 */
function decodeArchive(bytes: Buffer, file: string): string {
  try {
    return bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STRING_TOO_LONG') throw error;
    // Exit 2, as for any archive import cannot take: nothing was imported.
    throw usageError(
      `${file} is too large to import at once (${bytes.length.toLocaleString('en-US')} bytes)`,
      'split it into smaller archives, e.g. `hooktunnel export --har` with --since or --path filters',
    );
  }
}

export async function importHar(file: string, flags: ImportFlags): Promise<void> {
  const text = decodeArchive(file === '-' ? await readStdin() : readUserFile(file, ''), file);
  const har = readHar(text, file);
  // hooktunnel.yml read once, for its secrets and db alike.
  const project = await readProjectHere();
  const secrets = await loadSecretsHere(flags, process.env, project);
  // Importing into a new file is fine: it becomes a capture database like any other.
  const store = openStore((await chooseDb(flags.db, process.env, project)).path);
  try {
    const ids = importExchanges(store, har.exchanges, secrets);
    throwIfUnwritten(store, 'the imported exchanges');
    if (flags.json) {
      process.stdout.write(`${jsonText({ imported: ids, bodiesMissing: har.bodiesMissing }, 2)}\n`);
    } else {
      const range = ids.length === 0 ? '' : ids.length === 1 ? ` (#${ids[0]})` : ` (#${ids[0]}–#${ids[ids.length - 1]})`;
      process.stdout.write(`imported ${ids.length} exchange${ids.length === 1 ? '' : 's'}${range} from ${sanitize(file)} into ${store.path}\n`);
    }
    if (har.bodiesMissing.length > 0) {
      process.stderr.write(`warning: the archive kept no body for ${har.bodiesMissing.length} request(s) (entries ${har.bodiesMissing.join(', ')}); they were imported with an empty body\n`);
    }
  } finally {
    store.close();
  }
}
