// Runs the real CLI (the built bin/hooktunnel.js) as a child process, as a user would.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createRelay } from '../../relay-server/relay.js';
import { waitFor } from './http.js';

export const BIN = fileURLToPath(new URL('../../bin/hooktunnel.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** A fresh temp dir; XDG dirs point inside it so no test touches the real home. */
export function tempHome(): { dir: string; env: Record<string, string>; db: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-test-'));
  return {
    dir,
    db: join(dir, 'capture.db'),
    env: { XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), NO_COLOR: '1' },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('HOOKTUNNEL_')) delete base[key];
  return { ...base, ...env };
}

/** Runs a command to completion. */
export function runCli(argv: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { env: childEnv(options.env ?? {}), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString(), stderr: Buffer.concat(err).toString(), stdoutBytes });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Each line of a command's output parsed as JSON: with --json every error on stderr is one (a line that is not fails). */
export function jsonLines(text: string): unknown[] {
  return text.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** A --json command's stderr, one JSON error with this code, as the `error:` (and `hint:`) lines it says without --json. */
export function wordsOfJsonError(stderr: string, code: string): string {
  const lines = jsonLines(stderr) as { error: { code: string; message: string; hint: string | null } }[];
  expect(lines).toHaveLength(1);
  expect(lines[0].error.code).toBe(code);
  const { message, hint } = lines[0].error;
  return `error: ${message}\n${hint === null ? '' : `hint: ${hint}\n`}`;
}

export interface ListenProcess {
  child: ChildProcess;
  url: string;
  /** Every NDJSON event printed so far. */
  events: Record<string, unknown>[];
  stderr(): string;
  /** Waits for a request event matching the predicate. */
  waitForRequest(match: (event: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  /** SIGINT, then waits for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `hooktunnel listen <args> --json` and waits for its ready event; rejects with its exit code and stderr if it exits first. */
export async function startListen(args: string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<ListenProcess> {
  const child = spawn(process.execPath, [BIN, 'listen', ...args, '--json'], { env: childEnv(env), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  let pending = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => ((exited = true), resolve(code))));
  // Its exit code once its output is all read ('exit' can come before the last of stderr).
  let closed: number | null | undefined;
  child.on('close', (code) => (closed = code));
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const ready = await waitFor(
    () => {
      if (closed !== undefined) throw new Error(`listen exited with ${closed} before it was ready: ${stderr}`);
      return events.find((e) => e.type === 'ready');
    },
    'listen to be ready',
  );
  return {
    child,
    url: ready.url as string,
    events,
    stderr: () => stderr,
    waitForRequest: (match, what) => waitFor(() => events.find((e) => e.type === 'request' && match(e)), what),
    async stop() {
      if (!exited) child.kill('SIGINT');
      return exit;
    },
  };
}

/** A relay on a free loopback port, closed by the file's own cleanup list; its base URL. */
export async function loopbackRelay(cleanups: (() => unknown)[]): Promise<string> {
  const relay = createRelay({ port: 0, host: '127.0.0.1' });
  const url = await relay.start();
  cleanups.push(() => relay.close());
  return url;
}
