// `hooktunnel listen --forward-to localhost:3000/webhooks/stripe`, as `stripe listen` takes it: refused (exit 2, nothing
// started) with the command that does it, instead of commander's bare "unknown option '--forward-to'".

import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';

describe('listen --forward-to', () => {
  it.each([
    [['--forward-to', 'localhost:3000/webhooks/stripe'], 'hint: the target is listen\'s argument: hooktunnel listen localhost:3000/webhooks/stripe\n'],
    [['3000', '--forward-to', 'localhost:3000'], 'hint: give the target once, as listen\'s argument\n'],
  ])('%j names the command to use', async (args, hint) => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const result = await runCli(['listen', ...args, '--no-tui'], { env: h.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: listen has no --forward-to option (that is \`stripe listen\`'s)\n${hint}`);
  });
});
