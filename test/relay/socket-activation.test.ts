// systemd socket activation (relay-server/deploy/hooktunnel-relay.socket): the relay serves on the listening socket
// systemd passes (LISTEN_FDS, LISTEN_PID), which outlives each relay process, so a webhook sent while the relay
// restarts waits in the socket's backlog and is answered by the next process, instead of being refused (the 502 a
// proxy in front answers). Here a shell plays systemd: it holds the socket, never accepts on it, and starts relays.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, startListen, tempHome } from '../helpers/cli.js';
import { startLocalApp, waitFor } from '../helpers/http.js';
import { onCleanup } from './helpers.js';

// Each line on stdin is a data dir: a relay is started there on fd 3 with LISTEN_PID set to its own pid (the inner
// shell's, which exec keeps), as systemd does; "pid <n>" and "exited <n>" frame its output.
const HOLDER = `
while IFS= read -r dir; do
  (LISTEN_FDS=1 sh -c 'echo "pid $$"; LISTEN_PID=$$ exec "$0" "$@"' "$NODE" "$BIN" relay --port 0 --data-dir "$dir" --quiet
   echo "exited $?") &
done
`;

interface Holder {
  port: number;
  /** Starts a relay on the held socket; resolves with its pid once it serves. */
  startRelay(dataDir: string): Promise<number>;
  /** Resolves once the relay with this pid has exited. */
  exited(pid: number): Promise<void>;
  output(): string;
}

/** A process that holds a listening socket on a free loopback port, as systemd holds a .socket unit's. */
async function socketHolder(env: Record<string, string>): Promise<Holder> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  // The listening socket's descriptor, given to the holder as its fd 3 (spawn takes descriptors, not servers).
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  const child: ChildProcess = spawn('sh', ['-c', HOLDER], {
    env: { PATH: process.env.PATH ?? '', ...env, NODE: process.execPath, BIN },
    stdio: ['pipe', 'pipe', 'pipe', fd],
  });
  // From here on only the holder (and the relays it starts) has the socket: this process must not accept on it.
  server.close();
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const pids: number[] = [];
  onCleanup(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child.stdin!.end();
    child.kill('SIGKILL');
  });
  const lines = () => output.split('\n');
  return {
    port,
    async startRelay(dataDir) {
      const before = lines().filter((line) => line.includes('listening on')).length;
      child.stdin!.write(`${dataDir}\n`);
      await waitFor(() => lines().filter((line) => line.includes('listening on')).length > before || /error/.test(output), 'the relay to serve', 15_000);
      const pid = Number(lines().filter((line) => line.startsWith('pid ')).at(-1)!.slice(4));
      pids.push(pid);
      return pid;
    },
    async exited(pid) {
      const startedAt = lines().findIndex((line) => line === `pid ${pid}`);
      await waitFor(() => lines().slice(startedAt).some((line) => line.startsWith('exited ')), `relay ${pid} to exit`, 15_000);
    },
    output: () => output,
  };
}

describe('socket activation (LISTEN_FDS)', () => {
  it('serves on the socket systemd passes, and a webhook sent while the relay restarts is answered by the next relay, not refused', { timeout: 60_000 }, async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const env = { ...h.env, HOOKTUNNEL_RELAY_TOKENS: 'steady-token', NO_COLOR: '1' };
    const app = await startLocalApp();
    onCleanup(() => app.close());
    const holder = await socketHolder(env);
    const dataDir = join(h.dir, 'relay');

    const first = await holder.startRelay(dataDir);
    expect(holder.output()).toContain(`hooktunnel relay listening on http://127.0.0.1:${holder.port} (the socket systemd passed)`);
    const relayUrl = `http://127.0.0.1:${holder.port}`;
    const listen = await startListen([String(app.port), '--relay', relayUrl, '--name', 'steady', '--no-store'], { ...h.env, HOOKTUNNEL_TOKEN: 'steady-token' });
    onCleanup(() => listen.stop());

    // systemctl restart: SIGTERM, the process exits, the next one starts. In between no relay process runs at all.
    process.kill(first, 'SIGTERM');
    await holder.exited(first);
    const sender = connect(holder.port, '127.0.0.1');
    // Taken into the socket's backlog by the kernel, with no relay process to accept it.
    await once(sender, 'connect');
    const body = '{"id":"evt_restart"}';
    sender.end(`POST /t/steady/during-restart HTTP/1.1\r\nHost: 127.0.0.1:${holder.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    let answer = '';
    const answered = new Promise((resolve) => sender.setEncoding('utf8').on('data', (text: string) => (answer += text)).on('close', resolve));
    await holder.startRelay(dataDir);

    // Queued (202) by the new relay until the client is back, or passed to it if it is back already: never refused.
    await answered;
    expect(answer, holder.output()).toMatch(/^HTTP\/1\.1 20[02] /);
    await waitFor(() => app.received.find((r) => r.url === '/during-restart'), 'the webhook to reach the app');
  });

  it('needs a token or --allow-anonymous: the socket\'s address is the .socket unit\'s, which the relay cannot vouch for', async () => {
    const h = tempHome();
    onCleanup(h.cleanup);
    const holder = await socketHolder({ ...h.env, NO_COLOR: '1' });
    await holder.startRelay(join(h.dir, 'relay'));
    await waitFor(() => holder.output().includes('exited 2'), 'the relay to refuse');
    expect(holder.output()).toContain('refusing to serve on the socket systemd passed (LISTEN_FDS) without a token');
  });
});
