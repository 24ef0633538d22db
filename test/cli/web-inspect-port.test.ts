// `listen --inspect-port 4041` sets its inspector's port, `web --port 4041` web's: the one typed from listen's habit is
// refused (exit 2, nothing started) with web's own flag, as listen refuses other tools' flags, rather than commander's
// bare "unknown option '--inspect-port'".

import { expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';

const ERROR = "web has no --inspect-port option (that is listen's)";
const HINT = "web's is --port: hooktunnel web --port 4041";

it('web --inspect-port names --port instead', async () => {
  const h = tempHome();
  onCleanup(h.cleanup);
  const result = await runCli(['web', '--inspect-port', '4041', '--no-open'], { env: h.env });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`error: ${ERROR}\nhint: ${HINT}\n`);
});

it('with --json it is a usage error on stderr and the "error" event that ends web\'s stdout', async () => {
  const h = tempHome();
  onCleanup(h.cleanup);
  const result = await runCli(['web', '--inspect-port=4041', '--no-open', '--json'], { env: h.env });
  expect(result.code).toBe(2);
  expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'usage', message: ERROR, hint: HINT } });
  expect(JSON.parse(result.stdout)).toEqual({ type: 'error', code: 'usage', message: ERROR, hint: HINT });
});
