// Slack takes an Events API Request URL only when the answer to its url_verification is 200 and echoes the challenge.
// An app that answered 200 with anything else looked fine (`trigger` exit 0, `show` 200), while Slack refused the URL.

import { expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { startLocalApp } from '../helpers/http.js';

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
