// `hooktunnel retry` on an exchange that already succeeded: refused with a way to send it anyway, unless --force.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { NO_ROUTE_TARGET } from '../../src/routes/answered-here.js';
import { homeWithApp, record } from './recorded.js';


describe('hooktunnel retry of an exchange that succeeded', () => {
  it('refuses, sends nothing, and says how to send it anyway', async () => {
    const { db, env, app } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 201 }]);
    const result = await runCli(['retry', String(id), '--db', db], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: exchange #${id} (201) already succeeded; nothing sent\n` +
        `hint: to send it anyway: \`hooktunnel retry ${id} --force\` (another attempt of #${id}) or \`hooktunnel replay ${id}\` (a new exchange)\n`,
    );
    expect(app.received).toHaveLength(0);
  });

  it('sends it as another attempt with --force', async () => {
    const { db, env, app } = await homeWithApp();
    const [id] = record(db, [{ target: app.url, status: 200 }]);
    const result = await runCli(['retry', String(id), '--force', '--db', db, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id, status: 200, state: 'complete', attempts: 2 });
    expect(app.received).toHaveLength(1);
  });

  it('checks every id before sending any: one success among failures stops them all', async () => {
    const { db, env, app } = await homeWithApp();
    const [failed, ok, otherOk] = record(db, [{ target: app.url }, { target: app.url, status: 204 }, { target: app.url, status: 302 }]);
    const result = await runCli(['retry', String(failed), String(ok), String(otherOk), '--db', db], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: exchanges #${ok} (204), #${otherOk} (302) already succeeded; nothing sent\n`);
    expect(result.stderr).toContain(`\`hooktunnel retry ${failed} ${ok} ${otherOk} --force\``);
    expect(app.received).toHaveLength(0);
  });

  it('still retries what the app refused (4xx) or failed (5xx, no answer), without --force', async () => {
    const { db, env, app } = await homeWithApp();
    const ids = record(db, [{ target: app.url, status: 400 }, { target: app.url, status: 503 }, { target: app.url }]);
    const result = await runCli(['retry', ...ids.map(String), '--db', db, '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(app.received).toHaveLength(3);
  });
});

describe('hooktunnel retry of an exchange hooktunnel answered itself', () => {
  it('refuses one a route answered (no route took its path), before sending any, and points to replay --to', async () => {
    const { db, env, app } = await homeWithApp();
    const [failed, noRoute] = record(db, [{ target: app.url }, { target: NO_ROUTE_TARGET, status: 404 }]);
    const result = await runCli(['retry', String(failed), String(noRoute), '--db', db], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: exchange #${noRoute} was answered by hooktunnel (no route took its path), not by an app\n` +
        `hint: use \`hooktunnel replay ${noRoute} --to <port|url>\` to send it to an app; nothing sent\n`,
    );
    expect(app.received).toHaveLength(0);
  });
});
