// Child processes of the bench (target, relay, CLI, tunnel swarms): spawn, wait for a line, stop; all killed on the way out.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface SpawnOptions {
  /** Shown in errors and the report. */
  name: string;
  /** Arguments to `node` (script first). */
  args: string[];
  /** Send stdout to this file instead of a pipe: a child that logs per request never waits on the bench's busy event loop. */
  stdoutFile?: string;
  /** stderr always goes to a file, so a chatty child cannot fill a pipe. */
  stderrFile: string;
  /** Extra `node` flags before the script, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

const TAIL_LINES = 40;

/** One running child. Its stdout is read line by line (pipe) or polled (file). */
export class Child {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  private readonly tail: string[] = [];
  private readonly lineWaiters = new Set<(line: string) => void>();
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    private readonly process: ChildProcess,
    private readonly options: SpawnOptions,
  ) {
    if (process.pid === undefined) throw new Error(`could not start ${name}`);
    this.pid = process.pid;
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve(this.exitCode);
      });
    });
    let partial = '';
    process.stdout?.setEncoding('utf8');
    process.stdout?.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.onLine(line);
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves with the first stdout line that matches; rejects if the child exits or the time runs out. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    if (this.options.stdoutFile) return this.pollFile(match, timeoutMs);
    const seen = this.tail.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, line?: string) => {
        clearTimeout(timer);
        this.lineWaiters.delete(waiter);
        if (error) reject(error);
        else resolve(line!);
      };
      const waiter = (line: string) => {
        if (match(line)) done(null, line);
      };
      const timer = setTimeout(() => done(this.failure(`no expected output within ${timeoutMs} ms`)), timeoutMs);
      this.lineWaiters.add(waiter);
      void this.exited.then((code) => done(this.failure(`exited (code ${code}) before the expected output`)));
    });
  }

  /** SIGINT (the children shut down cleanly on it, which also writes --cpu-prof files), then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGINT');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Last call on the way out: no waiting. */
  killNow(): void {
    if (this.running) this.process.kill('SIGKILL');
  }

  /** An error that carries the child's last stderr lines, so a failed start says why. */
  failure(what: string): Error {
    let stderr = '';
    try {
      stderr = readFileSync(this.options.stderrFile, 'utf8').split('\n').slice(-12).join('\n').trim();
    } catch {
      // no stderr file yet
    }
    return new Error(`${this.name} ${what}${stderr ? `\n--- ${this.name} stderr ---\n${stderr}` : ''}`);
  }

  private onLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    for (const waiter of [...this.lineWaiters]) waiter(line);
  }

  private async pollFile(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = readFileSync(this.options.stdoutFile!, 'utf8').split('\n').find(match);
      if (line !== undefined) return line;
      if (!this.running) throw this.failure(`exited (code ${this.exitCode}) before the expected output`);
      await sleep(5);
    }
    throw this.failure(`no expected output within ${timeoutMs} ms`);
  }
}

/** Every child the bench started, so one call (finally, SIGINT, exit) ends them all. */
export class ProcessGroup {
  private readonly children = new Set<Child>();

  spawn(options: SpawnOptions): Child {
    const stderr = openSync(options.stderrFile, 'w');
    const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'pipe';
    try {
      const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.args], {
        stdio: ['ignore', stdout, stderr],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      const handle = new Child(options.name, child, options);
      this.children.add(handle);
      void handle.exited.then(() => this.children.delete(handle));
      return handle;
    } finally {
      closeSync(stderr);
      if (typeof stdout === 'number') closeSync(stdout);
    }
  }

  /** Pids of the children still running. */
  pids(): number[] {
    return [...this.children].filter((child) => child.running).map((child) => child.pid);
  }

  /** Stops every child still running, politely then firmly. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => child.stop(3000)));
  }

  /** Synchronous last resort for process 'exit'. */
  killAllNow(): void {
    for (const child of this.children) child.killNow();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects when `promise` takes longer than `ms`, naming what was slow. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
