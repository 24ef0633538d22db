// Slack takes an Events API Request URL only when the answer to its url_verification is 200 and echoes the challenge.
// An app that answered 200 with anything else looked fine (`listen`'s line, `trigger` exit 0, `show` 200), while Slack
// refused the URL.

import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loopbackRelay, runCli, startListen, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp, waitFor } from '../helpers/http.js';

const challengeOf = (body: Buffer) => (JSON.parse(body.toString()) as { challenge: string }).challenge;

/** The app's answers to successive url_verification requests: [status, body from the challenge]. */
const ANSWERS: [number, (challenge: string) => string][] = [
  [200, (challenge) => challenge],
  [200, (challenge) => JSON.stringify({ challenge })],
  [200, (challenge) => `challenge=${encodeURIComponent(challenge)}`],
  [200, () => 'ok'],
  [201, (challenge) => challenge],
];

const HOW = 'answer 200 with the challenge as the body, or as {"challenge": "…"}';

it('trigger slack url_verification and show say when the app\'s answer would fail Slack\'s URL check, and only then', async () => {
  const home = tempHome();
  onCleanup(home.cleanup);
  let n = 0;
  const app = await startLocalApp((_req, res, body) => {
    const [status, answer] = ANSWERS[n++];
    res.writeHead(status);
    res.end(answer(challengeOf(body)));
  });
  onCleanup(() => app.close());

  const stderr: string[] = [];
  for (let i = 0; i < ANSWERS.length; i++) {
    const sent = await runCli(['trigger', 'slack', 'url_verification', '--to', app.url, '--path', '/slack/events', '--secret', 'slack=s3cret', '--db', home.db], { env: home.env });
    expect(sent.code).toBe(0);
    stderr.push(sent.stderr);
  }
  // Echoed as the whole body, as JSON, as a form: Slack takes each.
  expect(stderr.slice(0, 3)).toEqual(['', '', '']);
  const notEchoed = `the answer does not echo the challenge, so Slack would not take the Request URL (${HOW})`;
  expect(stderr[3]).toBe(`warning: #4: ${notEchoed}\n`);
  expect(stderr[4]).toBe(`warning: #5: Slack takes the Request URL only on a 200 that echoes the challenge; the app answered 201 (${HOW})\n`);

  const shown = await runCli(['show', '4', '--db', home.db], { env: home.env });
  expect(shown.stdout).toContain(`\n${notEchoed}\n`);
  const fine = await runCli(['show', '1', '--db', home.db], { env: home.env });
  expect(fine.stdout).not.toContain('Request URL');
});

it('listen says so on stderr when the app\'s answer to a url_verification that came through the tunnel would fail the check', async () => {
  const home = tempHome();
  onCleanup(home.cleanup);
  const cleanups: (() => unknown)[] = [];
  onCleanup(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const relayUrl = await loopbackRelay(cleanups);
  let n = 0;
  const app = await startLocalApp((_req, res, body) => res.end(n++ === 0 ? challengeOf(body) : 'ok'));
  cleanups.push(() => app.close());
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--no-web'], home.env);
  cleanups.push(() => listen.stop());

  // Sent as Slack would, through the tunnel (trigger records its own copy in another store).
  const send = ['trigger', 'slack', 'url_verification', '--to', listen.url, '--path', '/slack/events', '--secret', 'slack=s3cret', '--db', join(home.dir, 'sent.db')];
  for (let i = 0; i < 2; i++) expect((await runCli(send, { env: home.env })).code).toBe(0);
  await listen.waitForRequest((e) => e.id === 2, 'the second url_verification');
  await waitFor(() => listen.stderr().includes('warning: #2: '), "listen's warning");
  expect(listen.stderr()).toContain(`warning: #2: the answer does not echo the challenge, so Slack would not take the Request URL (${HOW})\n`);
  expect(listen.stderr()).not.toContain('warning: #1');
});
