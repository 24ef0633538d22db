// `hooktunnel relay` as a child process (the built CLI), for tests of what an operator runs beside it.

import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
import { onCleanup } from '../helpers/cleanup.js';
import { waitFor } from '../helpers/http.js';

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  exit: Promise<number | null>;
}

/** Starts `hooktunnel relay <args>` (on port 0 unless they give one) and waits for the "listening on" line. */
export async function relayCli(args: string[], env: Record<string, string>): Promise<RelayProcess> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKTUNNEL_')));
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const child = spawn(process.execPath, [BIN, 'relay', ...port, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let exited = false;
  void exit.then(() => (exited = true));
  onCleanup(async () => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  });
  const url = await waitFor(() => {
    if (exited) throw new Error(`relay exited: ${stderr}`);
    return /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
  }, 'the relay to listen');
  return { child, url, stderr: () => stderr, exit };
}

