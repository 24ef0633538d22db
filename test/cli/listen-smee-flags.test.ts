// A GitHub developer coming from smee.io types its client's flags: `--target` (or -t, --port) for the app, `--url` for
// the channel. Each is refused (exit 2, nothing started) with what hooktunnel takes instead, as `--forward-to` is,
// rather than commander's bare "unknown option '--target'".

import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';

const AS_ARGUMENT = "hint: the target is listen's argument: hooktunnel listen";

describe('listen with smee client flags', () => {
  it.each([
    [['--target', 'http://localhost:3000/api/github/webhooks'], "listen has no --target option (that is smee's)", `${AS_ARGUMENT} http://localhost:3000/api/github/webhooks`],
    [['-t', 'http://localhost:3000/x'], "listen has no --target option (that is smee's)", `${AS_ARGUMENT} http://localhost:3000/x`],
    [['--port', '3000'], "listen has no --port option (that is smee's)", `${AS_ARGUMENT} 3000`],
    [['3000', '-p', '3000'], "listen has no --port option (that is smee's)", "hint: give the target once, as listen's argument"],
    [
      ['--url', 'https://smee.io/abc', '3000'],
      "listen has no --url option (that is smee's channel)",
      'hint: listen prints the URL senders post to; for one GitHub can reach, run your own relay and pass it: --relay https://hooks.example.com (README: "Self-host the relay")',
    ],
  ])('%j says what listen takes instead', async (args, error, hint) => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const result = await runCli(['listen', ...args, '--no-tui'], { env: h.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${error}\n${hint}\n`);
  });
});
