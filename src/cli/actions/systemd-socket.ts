// systemd socket activation (sd_listen_fds(3)): with hooktunnel-relay.socket, systemd holds the relay's port and
// passes the listening socket to each relay process it starts. The socket outlives the process, so what senders (and
// the proxy in front) send while the relay restarts waits in the kernel's backlog for the next process, instead of
// being refused: without it, nginx and Caddy answer 502 for the second or two between one relay and the next.

import { usageError } from '../../errors.js';

/** The first socket systemd passes (SD_LISTEN_FDS_START). */
const FIRST_FD = 3;

/** The listening socket systemd passed to this process, if it did. */
export function systemdSocket(env: NodeJS.ProcessEnv = process.env, pid = process.pid): number | undefined {
  // Meant for this process, not inherited from one above it (sd_listen_fds checks the same).
  if (env.LISTEN_PID !== String(pid)) return undefined;
  const count = Number(env.LISTEN_FDS);
  if (!Number.isInteger(count) || count < 1) return undefined;
  if (count > 1) {
    throw usageError(
      `systemd passed ${count} sockets (LISTEN_FDS=${env.LISTEN_FDS}); the relay serves one`,
      'give hooktunnel-relay.socket a single ListenStream= line (the relay binds --admin-port itself)',
    );
  }
  return FIRST_FD;
}
