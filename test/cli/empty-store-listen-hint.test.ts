// An empty store's hint says how to start recording. In a project whose hooktunnel.yml has routes that is
// `hooktunnel listen`: the routes name the apps (a port would send everything to one app and leave the routes unused).

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { waitFor } from '../helpers/http.js';
import { Store } from '../../src/store/store.js';

/** A project folder with its own empty database; routes in its hooktunnel.yml when `routes`. */
function project(routes: boolean) {
  const home = tempHome();
  onCleanup(home.cleanup);
  const lines = ['db: ./project.db', ...(routes ? ['routes:', '  /stripe:', '    forward: 3000', '  /github: 4000'] : ['relay: http://127.0.0.1:9'])];
  writeFileSync(join(home.dir, 'hooktunnel.yml'), `${lines.join('\n')}\n`);
  return { ...home, db: join(home.dir, 'project.db') };
}

const ls = async (home: ReturnType<typeof project>) => (await runCli(['ls'], { env: home.env, cwd: home.dir })).stdout;

it('ls in a project with routes says to run `hooktunnel listen`, with or without its database; without routes, listen <port>', async () => {
  const routed = project(true);
  expect(await ls(routed)).toBe('nothing recorded yet: run `hooktunnel listen` to record webhooks\n');
  // A command that needs the database says the same in its hint.
  const show = await runCli(['show', '1'], { env: routed.env, cwd: routed.dir });
  expect(show.stderr).toContain('hint: run `hooktunnel listen` first (it creates the database)');
  Store.open(routed.db).close();
  expect(await ls(routed)).toBe('nothing recorded yet: run `hooktunnel listen` to record webhooks\n');

  const plain = project(false);
  expect(await ls(plain)).toBe('nothing recorded yet: run `hooktunnel listen <port>` to record webhooks\n');
});

it("the web inspector's empty list in a project with routes says `hooktunnel listen --db …`", async () => {
  const routed = project(true);
  Store.open(routed.db).close();
  const child = spawn(process.execPath, [BIN, 'web', '--no-open', '--json', '--port', '0'], { env: { ...process.env, ...routed.env }, cwd: routed.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  onCleanup(() => (child.kill('SIGINT'), exited));
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  const line = await waitFor(() => stdout.split('\n').find((l) => l.includes('"ready"')), 'the web ready event');
  const { port } = new URL((JSON.parse(line) as { inspector: string }).inspector);
  let feed = '';
  const stream = http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { Host: `127.0.0.1:${port}` } }, (res) =>
    res.setEncoding('utf8').on('data', (t: string) => (feed += t)),
  );
  onCleanup(() => stream.destroy());
  const info = await waitFor(() => feed.split('\n').find((l, i, all) => all[i - 1] === 'event: info' && l.startsWith('data: ')), 'the info event');
  expect(JSON.parse(info.slice(6))).toMatchObject({ listenCommand: `hooktunnel listen --db ${routed.db}` });
});
