// The commands that take several parts of hooktunnel.yml (trigger: the route that takes --path, the secrets and the
// db; replay, retry, verify, import, web, inspect: the secrets and the db) take them from one reading of the file. They
// read it once for each, so a project file that can be read only once, one piped in (`sops -d hooktunnel.yml |
// HOOKTUNNEL_CONFIG=/dev/stdin hooktunnel trigger …`, or `HOOKTUNNEL_CONFIG=<(…)`), gave the first part and then
// nothing: a trigger went out unsigned and was recorded in the default database, a replay found nothing recorded.

import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';

/** Runs the CLI with `file` piped to its stdin, through a real pipe (a shell's `|`), as HOOKTUNNEL_CONFIG=/dev/stdin. */
function runWithConfigPiped(file: string, argv: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKTUNNEL_')));
  const child = spawn('sh', ['-c', 'cat "$1" | { shift; exec "$@"; }', 'sh', file, process.execPath, BIN, ...argv], {
    env: { ...base, ...env, HOOKTUNNEL_CONFIG: '/dev/stdin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function slackProject() {
  const home = tempHome();
  onCleanup(home.cleanup);
  const config = join(home.dir, 'hooktunnel.yml');
  const db = join(home.dir, 'project.db');
  return { home, config, db, write: (appUrl: string) => writeFileSync(config, `db: ${db}\nsecrets:\n  slack: s3cret\nroutes:\n  /slack: ${appUrl}/slack\n`) };
}

it('trigger reads a piped hooktunnel.yml once: routed, signed with its secret, recorded in its db', async () => {
  const { home, config, db, write } = slackProject();
  const app = await startLocalApp();
  onCleanup(() => app.close());
  write(app.url);

  const result = await runWithConfigPiped(config, ['trigger', 'slack', 'app_mention', '--path', '/slack/events', '--json'], home.env);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toContain('sending unsigned');
  expect(app.received.map((r) => r.url)).toEqual(['/slack/events']);
  expect(JSON.parse(result.stdout)).toMatchObject({ route: '/slack', webhook: { provider: 'slack', verification: 'valid' } });

  // In the project's database, not the default one.
  expect(existsSync(join(home.env.XDG_DATA_HOME, 'hooktunnel', 'hooktunnel.db'))).toBe(false);
  const listed = await runCli(['ls', '--json', '--db', db], { env: home.env });
  expect(JSON.parse(listed.stdout)).toMatchObject([{ route: '/slack', webhook: { verification: 'valid' } }]);
});

it('replay reads a piped hooktunnel.yml once: finds the exchange in its db and re-signs it with its secret', async () => {
  const { home, config, db, write } = slackProject();
  const app = await startLocalApp();
  onCleanup(() => app.close());
  write(app.url);
  // Recorded with the file named as usual.
  const sent = await runCli(['trigger', 'slack', 'app_mention', '--path', '/slack/events'], { env: { ...home.env, HOOKTUNNEL_CONFIG: config } });
  expect(sent.code, sent.stderr).toBe(0);

  const result = await runWithConfigPiped(config, ['replay', '1', '--resign', '--json'], home.env);
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ id: 2, replayOf: 1, status: 200, webhook: { verification: 'valid' } });
  expect(app.received).toHaveLength(2);
  const listed = await runCli(['ls', '--json', '--db', db], { env: home.env });
  expect(JSON.parse(listed.stdout)).toHaveLength(2);
});
