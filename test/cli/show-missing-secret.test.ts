// A signature not checked for want of a secret says how to give one, where it is shown: `show` (and the TUI's detail).

import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { startLocalApp } from '../helpers/http.js';

const home = tempHome();
afterAll(() => home.cleanup());

describe('show, for a webhook whose provider has no secret configured', () => {
  it('follows "not checked" with the flag and the variable that give it', async () => {
    const app = await startLocalApp();
    try {
      // No secret anywhere: trigger sends it unsigned, and it is recorded unchecked.
      const sent = await runCli(['trigger', 'github', 'push', '--to', String(app.port), '--db', home.db], { env: home.env });
      expect(sent.code, sent.stderr).toBe(0);
    } finally {
      await app.close();
    }
    const shown = await runCli(['show', '1', '--db', home.db], { env: home.env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/ signature not checked: no secret configured for github \(set --secret github=… or HOOKTUNNEL_SECRET_GITHUB\)\n/);
  });
});

describe('a webhook whose provider has secrets only for other paths', () => {
  // A secret for /slack looks like the route /slack, but takes only that exact path: "no secret configured" sent the
  // user looking for a secret that is there.
  it('names the paths the secrets are for, in trigger\'s warning and in show, with how paths match', async () => {
    const app = await startLocalApp();
    const db = `${home.dir}/paths.db`;
    try {
      const sent = await runCli(['trigger', 'slack', 'app_mention', '--to', String(app.port), '--path', '/slack/events', '--secret', 'slack:/slack=s3cret', '--db', db], { env: home.env });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stderr).toBe(
        "warning: no secret configured for slack on /slack/events (only for /slack); sending unsigned (a secret's path is exact, or /prefix/* for the paths below /prefix/: add this one under secrets.slack, or pass --secret 'slack:/path=…')\n",
      );
    } finally {
      await app.close();
    }
    const shown = await runCli(['show', '1', '--db', db], { env: home.env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(
      " signature not checked: no secret configured for slack on this path (only for /slack) (a secret's path is exact, or /prefix/* for the paths below /prefix/: add this one under secrets.slack, or pass --secret 'slack:/path=…')\n",
    );
    // verify, with the secrets known now.
    const verified = await runCli(['verify', '1', '--db', db, '--secret', 'slack:/hooks/*=s3cret', '--secret', 'slack:/other=s3cret'], { env: home.env });
    expect(verified.code).toBe(1);
    expect(verified.stdout).toBe('#1 slack app_mention: unchecked (no secret configured for slack on this path (only for /hooks/*, /other))\n');
    expect(verified.stderr).toBe("hint: a secret's path is exact, or /prefix/* for the paths below /prefix/: add this one under secrets.slack, or pass --secret 'slack:/path=…'\n");
  });
});
