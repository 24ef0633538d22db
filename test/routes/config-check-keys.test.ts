// `config check` and `listen` name the settings of hooktunnel.yml by the keys the file has (`ack-path`), not by the
// names the flags have inside the program (`ackPath`) or on the command line (`--retry-base`), which the user never wrote.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { home } from '../nothing-lost/helpers.js';

describe('config check', () => {
  it('names every setting as hooktunnel.yml writes it', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    const settings = [
      'host-header: preserve',
      'ack: true',
      'ack-path: /stripe',
      'ack-status: 202',
      'ack-body: ok',
      'max-attempts: 3',
      'retry-base: 2s',
      'keep: 100',
      'timeout: 5s',
    ];
    writeFileSync(config, `${settings.join('\n')}\nroutes:\n  /github: 3000\n`);
    const check = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect([check.code, check.stderr]).toEqual([0, '']);
    const listed = check.stdout.split('\n').slice(1, settings.length + 1).map((line) => line.trim());
    expect(listed.sort()).toEqual([...settings].sort());
  });

  it('refuses, as listen does, a name or retry-base listen cannot use, naming the file\'s key and where it is', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    for (const [line, message] of [
      ['retry-base: 0s', 'hooktunnel.yml:1:13: retry-base "0s" must be at least 1ms'],
      ['name: Stripe_Dev', 'hooktunnel.yml:1:7: name: name "Stripe_Dev" must be 1-63 lowercase letters, digits or dashes'],
    ]) {
      writeFileSync(config, `${line}\nroutes:\n  /github: 3000\n`);
      const check = await runCli(['config', 'check', '--config', config], { env: h.env });
      expect([check.code, check.stdout], line).toEqual([2, '']);
      expect(check.stderr).toContain(message);
      const listen = await runCli(['listen', '--config', config, '--db', h.db, '--embedded-port', '0', '--no-web'], { env: h.env });
      expect([listen.code, listen.stderr], line).toEqual([2, expect.stringContaining(message)]);
      expect(listen.stderr).not.toMatch(/--retry-base|--name/);
    }
  });
});
