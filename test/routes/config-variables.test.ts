// `${VAR}` in hooktunnel.yml works in any value (README), numbers and switches included: `keep: ${KEEP}` once said
// "must be a number", since YAML reads `${KEEP}` as text.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { home } from '../nothing-lost/helpers.js';

describe('${VAR} in number and true/false values of hooktunnel.yml', () => {
  it('is read from the environment as the number or switch it names; a wrong value is still named with its key', async () => {
    const h = home();
    const config = join(h.dir, 'hooktunnel.yml');
    writeFileSync(
      config,
      'keep: ${KEEP}\nmax-attempts: ${ATTEMPTS}\nack: ${ACK}\nack-status: ${ACK_STATUS}\nroutes:\n  /m:\n    mock:\n      status: ${MOCK_STATUS}\n',
    );
    const env = { ...h.env, KEEP: '500', ATTEMPTS: '3', ACK: 'true', ACK_STATUS: '202', MOCK_STATUS: '204' };
    const ok = await runCli(['config', 'check', '--config', config, '--json'], { env });
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    const json = JSON.parse(ok.stdout);
    expect(json.settings).toEqual({ keep: '500', maxAttempts: '3', ack: true, ackStatus: '202' });
    expect(json.routes[0].mock.status).toBe(204);

    const badNumber = await runCli(['config', 'check', '--config', config], { env: { ...env, KEEP: 'lots' } });
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('hooktunnel.yml:1:7: keep: must be a number, not "lots"');
    const badSwitch = await runCli(['config', 'check', '--config', config], { env: { ...env, ACK: 'maybe' } });
    expect(badSwitch.code).toBe(2);
    expect(badSwitch.stderr).toContain('hooktunnel.yml:3:6: ack: must be true or false, not "maybe"');
    const unset = await runCli(['config', 'check', '--config', config], { env: { ...env, KEEP: '' } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('hooktunnel.yml:1:7: keep: the environment variable KEEP is not set');
    // A quoted number is text in YAML, as before: a wrong type.
    writeFileSync(config, 'keep: "5"\n');
    const quoted = await runCli(['config', 'check', '--config', config], { env: h.env });
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toContain('hooktunnel.yml:1:7: keep: must be a number');
  });
});
