// `hooktunnel ls | grep invoice.paid`: piped, the table is not cut to a terminal width it does not have. A long path
// (or the marks) cut the event type off at 120 columns, so grep found nothing that ls had recorded.

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { homeWithApp } from './recorded.js';

describe('ls into a pipe', () => {
  it('prints the whole path, event and marks of each row', async () => {
    const { db, env, app } = await homeWithApp();
    const path = `/webhooks/stripe/${'long-segment/'.repeat(6)}end`;
    expect((await runCli(['trigger', 'stripe', 'invoice.paid', '--to', app.url, '--path', path, '--db', db], { env })).code).toBe(0);
    expect((await runCli(['replay', '1', '--db', db], { env })).code).toBe(0);

    const ls = await runCli(['ls', '--db', db], { env });
    expect(ls.code).toBe(0);
    const [, replay, original] = ls.stdout.trimEnd().split('\n');
    expect(original).toMatch(new RegExp(`^1 .*  ${path}  stripe invoice\\.paid$`));
    expect(replay).toMatch(new RegExp(`^2 .*  ${path}  stripe invoice\\.paid  ↻#1$`));
  });
});
