// `ack-path` in hooktunnel.yml without `ack: true`: config check said "ok" while listen refused to start with
// "--ack-path needs --ack", a flag the user never typed. Both now name the file.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { home } from '../nothing-lost/helpers.js';

describe('ack-path in hooktunnel.yml without ack: true', () => {
  it('is refused by config check and by listen, naming the file', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(config, 'ack-path: /stripe\nroutes:\n  /stripe: 3000\n');
    const message = `${config}: ack-path needs ack: true (acknowledge mode)`;

    const check = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect([check.code, check.stdout]).toEqual([2, '']);
    expect(check.stderr).toContain(message);
    const json = await runCli(['config', 'check', '--config', config, '--json'], { env: h.env });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, error: { message } });

    const listen = await runCli(['listen', '--config', config, '--db', h.db, '--embedded-port', '0', '--no-web'], { env: h.env });
    expect(listen.code).toBe(2);
    expect(listen.stderr).toContain(message);
    expect(listen.stderr).not.toContain('--ack-path needs --ack');

    // With ack: true the file is fine.
    writeFileSync(config, 'ack: true\nack-path: /stripe\nroutes:\n  /stripe: 3000\n');
    const ok = await runCli(['config', 'check', '--config', config, '--json'], { env: h.env });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).settings).toEqual({ ack: true, ackPath: ['/stripe'] });
  });
});

describe('config check with no hooktunnel.yml here', () => {
  it('exits 2, as its --help says for any error, with --json too', async () => {
    const h = home();
    const text = await runCli(['config', 'check'], { env: h.env, cwd: h.dir });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`no hooktunnel.yml in ${h.dir}`);
    const json = await runCli(['config', 'check', '--json'], { env: h.env, cwd: h.dir });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ file: null, valid: false });
  });

  it('exits 2 in words when --config names a folder', async () => {
    const h = home();
    const check = await runCli(['config', 'check', '--config', h.dir], { env: h.env });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(`could not read ${h.dir}: is a folder, not a file`);
  });
});
