// An edited replay, re-signed for a --verify scheme whose sender writes its hex digest in upper case: the new signature
// goes out in the sender's case, so an app written for that sender, comparing the header exactly, accepts it.

import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { exchangeStart } from '../helpers/exchange-start.js';
import { startLocalApp } from '../helpers/http.js';

const KEY = 'build-hook-key';
const SPEC = `hmac-sha256:X-Build-Signature:${KEY}`;
const upperHex = (body: Buffer | string) => createHmac('sha256', KEY).update(body).digest('hex').toUpperCase();

describe('replay re-signed for a custom HMAC scheme that writes upper-case hex', () => {
  it('sends the new signature in upper case, which the app comparing exactly accepts', async () => {
    const { db, env, dir, cleanup } = tempHome();
    onCleanup(cleanup);
    const app = await startLocalApp((req, res, body) => {
      res.writeHead(req.headers['x-build-signature'] === upperHex(body) ? 200 : 401).end();
    });
    onCleanup(() => app.close());
    const body = Buffer.from('{"build":412,"status":"passed"}');
    const store = Store.open(db);
    const id = store.begin(exchangeStart({ target: app.url, headers: [['X-Build-Signature', upperHex(body)]], body })).id;
    store.close();

    // An editor script that changes the body, so the replay needs a new signature.
    const editor = join(dir, 'edit.sh');
    writeFileSync(editor, `#!/bin/sh\nsed -i 's/passed/failed/' "$1"\n`, { mode: 0o755 });
    const replay = await runCli(['replay', String(id), '--edit', '--verify', SPEC, '--db', db, '--json'], { env: { ...env, EDITOR: editor } });
    expect(replay.stderr).toBe('');
    expect(JSON.parse(replay.stdout)).toMatchObject({ status: 200, webhook: { provider: 'hmac', verification: 'valid' } });
    expect(app.received.at(-1)!.body.toString()).toContain('failed');
  });
});
