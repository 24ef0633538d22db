// Switches set through the environment: HOOKTUNNEL_ACK=0 (or false, no, off, empty) leaves acknowledge mode off, as
// a .env or compose file means it, and HOOKTUNNEL_NO_WEB=false serves the inspector; 1 (or any other value) turns them on.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startListen, tempHome } from '../helpers/cli.js';
import { send, startLocalApp, waitFor, type LocalApp } from '../helpers/http.js';

const home = tempHome();
let relayUrl: string;
let stopRelay: () => Promise<unknown>;
let app: LocalApp;

beforeAll(async () => {
  // A relay process with its queue (acknowledge mode needs one), shared by every test here.
  const relay = spawn(process.execPath, [BIN, 'relay', '--port', '0', '--data-dir', join(home.dir, 'relay')], { env: { PATH: process.env.PATH, ...home.env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => relay.once('exit', resolve));
  stopRelay = () => (relay.kill('SIGKILL'), exited);
  let stdout = '';
  relay.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  relayUrl = await waitFor(() => /listening on (http:\/\/\S+)/.exec(stdout)?.[1], 'the relay to listen');
  app = await startLocalApp((_req, res) => res.end('from the app'));
});

afterAll(async () => {
  await app?.close();
  await stopRelay?.();
  home.cleanup();
});

/** What a sender hears through a listen started with this environment. */
async function senderHears(env: Record<string, string>): Promise<string> {
  const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--no-web'], { ...home.env, ...env });
  try {
    return (await send(`${listen.url}/hook`, { body: '{}' })).body.toString();
  } finally {
    await listen.stop();
  }
}

describe('HOOKTUNNEL_ACK', () => {
  it.each(['0', 'false', 'no', 'off', ''])('%j leaves acknowledge mode off: the sender gets the app\'s answer', async (value) => {
    expect(await senderHears({ HOOKTUNNEL_ACK: value })).toBe('from the app');
  });

  it.each(['1', 'true'])('%j turns acknowledge mode on: the relay answers the sender', async (value) => {
    expect(await senderHears({ HOOKTUNNEL_ACK: value })).toBe('{"received":true}');
  });
});

describe('HOOKTUNNEL_NO_WEB', () => {
  it.each([
    ['false', true],
    ['1', false],
  ])('%j: inspector served %s', async (value, served) => {
    const listen = await startListen([String(app.port), '--relay', relayUrl, '--db', home.db, '--inspect-port', '0'], { ...home.env, HOOKTUNNEL_NO_WEB: value });
    try {
      // The field is always there (the README lists it), null when no inspector runs.
      const { inspector } = listen.events.find((e) => e.type === 'ready')!;
      if (served) expect(inspector).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?k=/);
      else expect(inspector).toBeNull();
    } finally {
      await listen.stop();
    }
  });
});
