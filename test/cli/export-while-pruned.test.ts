// `export` lists its ids first and reads each exchange as it writes it: one deleted in between (a prune in another
// process) is left out with a note on stderr, and the archive is still whole JSON with every other exchange.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { BIN, tempHome } from '../helpers/cli.js';
import { exchangeStart } from '../helpers/exchange-start.js';

const home = tempHome();
afterEach(() => home.cleanup());

describe('export while a prune deletes', () => {
  it('leaves out an exchange deleted after the ids were listed and says so', async () => {
    const store = Store.open(home.db);
    // Bodies larger than a pipe's buffer: the export blocks on stdout after its first exchange until it is read.
    const body = Buffer.alloc(256 * 1024, 'a');
    const ids = [1, 2, 3].map(() => {
      const recording = store.begin(exchangeStart({ body }));
      recording.respond(200, []);
      recording.complete(1);
      return recording.id;
    });

    const child = spawn(process.execPath, [BIN, 'export', '--json', '-', '--db', home.db], { env: { ...process.env, ...home.env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const chunks: Buffer[] = [];
    // The first bytes mean the ids are listed; stop reading, so the export waits with the rest still to read.
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    chunks.push(first);
    child.stdout.pause();
    store.remove(ids[2]);
    store.close();
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
    const [code] = await once(child, 'close');

    expect(stderr).toContain(`#${ids[2]} was deleted while exporting`);
    expect(code).toBe(0);
    const exported = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number }[];
    expect(exported.map((e) => e.id)).toEqual([ids[0], ids[1]]);
  });
});
