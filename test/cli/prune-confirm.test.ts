// `hooktunnel prune` that would empty the database: asks on a terminal, needs --yes elsewhere, always says how many.

import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, tempHome } from '../helpers/cli.js';
import { waitFor } from '../helpers/http.js';
import { record } from './recorded.js';
import { onCleanup } from '../helpers/cleanup.js';

/** A database with `count` exchanges received an hour ago. */
function history(count: number) {
  const h = tempHome();
  onCleanup(h.cleanup);
  if (count > 0) record(h.db, Array.from({ length: count }, (_, i) => ({ target: 'http://127.0.0.1:9', path: `/${i}`, status: 200, receivedAt: Date.now() - 3_600_000 + i })));
  else record(h.db, []);
  return h;
}

const listed = async (h: ReturnType<typeof history>) => JSON.parse((await runCli(['ls', '--db', h.db, '--json'], { env: h.env })).stdout).length;

describe('hooktunnel prune without a terminal', () => {
  it('refuses --keep 0 without --yes: nothing deleted, one clear error, exit 2', async () => {
    const h = history(3);
    const result = await runCli(['prune', '--keep', '0', '--db', h.db], { env: h.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: --keep 0 would delete all 3 exchanges in ${h.db}; nothing deleted\nhint: add --yes to delete them all\n`);
    expect(await listed(h)).toBe(3);
  });

  it('refuses any rule that would delete every exchange, and --keep 0 even on an empty database', async () => {
    const h = history(2);
    const older = await runCli(['prune', '--older-than', '1m', '--db', h.db], { env: h.env });
    expect(older.code).toBe(2);
    expect(older.stderr).toContain(`error: --older-than 1m would delete all 2 exchanges in ${h.db}; nothing deleted`);
    expect(await listed(h)).toBe(2);

    const empty = history(0);
    const none = await runCli(['prune', '--keep', '0', '--db', empty.db], { env: empty.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: --keep 0 would delete all 0 exchanges');
  });

  it('empties the database with --yes and says how many, as text or JSON', async () => {
    const h = history(3);
    const text = await runCli(['prune', '--keep', '0', '--yes', '--db', h.db], { env: h.env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`pruned 3 exchanges from ${h.db}\n`);
    expect(await listed(h)).toBe(0);

    const again = history(2);
    const json = await runCli(['prune', '--keep', '0', '-y', '--json', '--db', again.db], { env: again.env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ deleted: 2, remaining: 0, db: again.db, vacuumed: false });
  });

  it('prunes part of the database without asking, and --json counts what is left', async () => {
    const h = history(3);
    const result = await runCli(['prune', '--keep', '2', '--json', '--db', h.db], { env: h.env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ deleted: 1, remaining: 2, db: h.db, vacuumed: false });
    const nothing = await runCli(['prune', '--older-than', '2h', '--db', h.db], { env: h.env });
    expect(nothing.stdout).toBe(`pruned 0 exchanges from ${h.db}\n`);
  });
});

// util-linux `script` gives the CLI a real pseudo-terminal, as a person at a shell would.
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

/** Runs prune in a pseudo-terminal, answers the question once it is asked, and returns what the terminal showed. */
async function pruneOnTerminal(h: ReturnType<typeof history>, answer: string): Promise<{ code: number | null; screen: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKTUNNEL_')));
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} prune --keep 0 --db ${JSON.stringify(h.db)}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...env, ...h.env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (screen += text));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await waitFor(() => screen.includes('[y/N]'), 'the question');
  child.stdin.write(`${answer}\n`);
  return { code: await exit, screen: screen.replaceAll('\r', '') };
}

describe.skipIf(!HAS_SCRIPT)('hooktunnel prune --keep 0 on a terminal', () => {
  it('asks, and deletes on "y"', async () => {
    const h = history(3);
    const { code, screen } = await pruneOnTerminal(h, 'y');
    expect(screen).toContain(`Delete all 3 exchanges in ${h.db}? [y/N] `);
    expect(screen).toContain(`pruned 3 exchanges from ${h.db}\n`);
    expect(code).toBe(0);
    expect(await listed(h)).toBe(0);
  });

  it('deletes nothing on Enter alone', async () => {
    const h = history(3);
    const { code, screen } = await pruneOnTerminal(h, '');
    expect(screen).toContain('error: prune cancelled; nothing deleted');
    expect(screen).not.toContain('pruned');
    expect(code).toBe(1);
    expect(await listed(h)).toBe(3);
  });
});
