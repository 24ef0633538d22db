// `listen --config <(…)`: a config read from a pipe (/dev/fd/N) has no project folder. The real CLI, given its config
// by bash's process substitution, names the tunnel after the working directory (as a
// ./hooktunnel.yml there would), keeps a relative `db:` there, and says the routes came from the piped config, not
// "(hooktunnel.yml)".

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { configSource, projectFolder } from '../../src/project-config/config-place.js';
import { projectName } from '../../src/project-config/find-project-config.js';
import { BIN, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { freePort, startLocalApp, waitFor } from '../helpers/http.js';

it('a file keeps its folder and its name; a pipe has the working directory', () => {
  const h = tempHome();
  onCleanup(h.cleanup);
  expect(projectName('/home/me/Shop API/hooktunnel.yml', h.dir)).toBe('shop-api');
  expect(configSource(join(h.dir, 'hooktunnel.yml'), h.dir)).toBe('hooktunnel.yml');
  expect(configSource('/elsewhere/ci.yml', h.dir)).toBe('/elsewhere/ci.yml');
  // /dev/null stands in for a pipe: a path to something that is not a file.
  expect(projectFolder('/dev/null', h.dir)).toBe(h.dir);
  expect(configSource('/dev/null', h.dir)).toBe('piped config /dev/null');
});

it('listen --config <(…) names the tunnel after the working directory and says the config was piped', async () => {
  const h = tempHome();
  onCleanup(h.cleanup);
  const cwd = join(h.dir, 'Shop API');
  mkdirSync(cwd);
  const app = await startLocalApp();
  onCleanup(() => app.close());
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKTUNNEL_')));
  Object.assign(env, h.env, { HOOKTUNNEL_EMBEDDED_PORT: String(await freePort()) });
  const config = `db: hooks.db\nroutes:\n  /stripe: ${app.port}\n`;
  // exec: the pid is listen's own, which the clean-up stops with SIGINT.
  const script = 'exec "$0" "$1" listen --config <(printf %s "$2") --no-web --no-tui';
  const child = spawn('bash', ['-c', script, process.execPath, BIN, config], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  onCleanup(async () => {
    child.kill('SIGINT');
    await exited;
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));

  const first = await waitFor(() => stdout.split('\n').find((line) => line.startsWith('hooktunnel  ')), `listen's first line (stderr: ${stderr})`);
  expect(first).toMatch(/^hooktunnel {2}http:\/\/127\.0\.0\.1:\d+\/t\/shop-api {2}→ {2}1 route \(piped config \/dev\/fd\/\d+\)$/);
  expect(existsSync(join(cwd, 'hooks.db'))).toBe(true);
});
