// hooktunnel.yml: the listen flags a project always passes, plus routes (one public URL, many local apps).
// Keys are the flag names; every problem is reported with the file, line, column and key.

import { resolve } from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { parseRetryBase } from '../delivery/retry-schedule.js';
import { parseDuration } from '../duration.js';
import { UserError } from '../errors.js';
import { range } from '../number-range.js';
import { parseHostHeader } from '../forward/host-header.js';
import type { HostHeaderMode } from '../forward/forwarder.js';
import { parseTarget, type Target } from '../forward/target.js';
import { projectFolder } from './config-place.js';
import type { HeaderPairs } from '../protocol.js';
import { findOverlap, normalizePrefix, prefixTakes, type MockAnswer } from '../routes/route-table.js';
import { secretsFromConfig } from '../webhooks/secrets.js';
import { parseRedactRule } from '../redact/redact.js';
import { ConfigError, UnsetVariableError, YamlReader } from './yaml-reader.js';
import { headerValueProblem, isHttpToken } from '../http-headers.js';
import { tunnelNameProblem } from '../protocol/tunnel-name.js';

/** A route as the file gives it; timeout and Host mode fall back to the top-level ones when absent. */
export interface RouteSpec {
  prefix: string;
  /** `hooktunnel.yml:12:3`. */
  where: string;
  mode: 'forward' | 'ack' | 'mock';
  target?: Target;
  timeoutMs?: number;
  hostHeader?: HostHeaderMode;
  mock?: MockAnswer;
}

/** Listen flag values the file sets, under commander's names for them, in the flags' own form (text). */
export type FileFlags = { redact?: string[] } & Partial<Record<'relay' | 'token' | 'name' | 'db' | 'timeout' | 'hostHeader' | 'ackStatus' | 'ackBody' | 'maxAttempts' | 'retryBase' | 'keep', string>> & {
  ack?: boolean;
  ackPath?: string[];
};

export interface ProjectConfig {
  file: string;
  flags: FileFlags;
  /** The `secrets` map, environment variables expanded; same shape as in config.json. */
  secrets?: unknown;
  routes: RouteSpec[];
}

/** The key a setting has in hooktunnel.yml (`ackPath` is written `ack-path`): what the user is shown about it. */
export const fileKey = (flag: keyof FileFlags): string => flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

const TOP_KEYS = ['relay', 'token', 'name', 'db', 'timeout', 'host-header', 'ack', 'ack-path', 'ack-status', 'ack-body', 'max-attempts', 'retry-base', 'keep', 'redact', 'secrets', 'routes'] as const;
const ROUTE_KEYS = ['forward', 'ack', 'mock', 'timeout', 'host-header'] as const;
const MOCK_KEYS = ['status', 'headers', 'body'] as const;
/** The ranges listen's flags accept (delivery-options.ts), checked here so the message can point into the file. */
const WHOLE_NUMBERS: Record<string, [number, number]> = { 'ack-status': [200, 299], 'max-attempts': [1, 100], keep: [1, Number.MAX_SAFE_INTEGER] };
const TEXT_FLAGS: Record<string, keyof FileFlags> = { 'ack-body': 'ackBody' };

/**
 * The parts of the file that the commands other than listen take (`db`, `secrets`, `routes`), from one parse of it, so
 * a command that needs several (trigger: all three) reads the file once. Each part is checked only when asked for
 * (as parseProjectConfig checks it): a route a replay never uses, or a token variable unset in this shell, must not
 * stop it.
 */
export class ProjectParts {
  private readonly reader: YamlReader;

  /** `file` is the name messages give it; `path` where it was found. */
  constructor(
    readonly file: string,
    readonly path: string,
    text: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.reader = new YamlReader(file, text, env);
  }

  private entry(key: string): { value: Node | null } | undefined {
    const { root } = this.reader;
    return root === null ? undefined : this.reader.entries(root, '').find((e) => e.key === key);
  }

  /** The `secrets` map; with `onUnset`, those whose `${VAR}` is unset are left out and handed to it. */
  secrets(onUnset?: (error: UnsetVariableError) => void): unknown {
    const entry = this.entry('secrets');
    if (!entry) return undefined;
    const reader = this.reader;
    const secrets = onUnset && isMap(entry.value) ? setSecrets(reader, entry.value, onUnset) : reader.data(entry.value, 'secrets');
    checkedAt(reader, entry.value, () => secretsFromConfig(secrets));
    return secrets;
  }

  /** The `db` path, resolved against the project folder (as parseProjectConfig does): where this project's listen records. */
  db(): string | undefined {
    const entry = this.entry('db');
    return entry ? resolve(projectFolder(this.file), this.reader.string(entry.value, 'db')) : undefined;
  }

  /** The `routes`, for `trigger`, which sends a sample to the app behind the route that takes its path. */
  routes(): RouteSpec[] {
    const entry = this.entry('routes');
    return entry ? readRoutes(this.reader, entry.value, (node, fn) => checkedAt(this.reader, node, fn)) : [];
  }
}

/** The `secrets` map without the entries whose `${VAR}` is unset (each handed to `onUnset`). */
function setSecrets(reader: YamlReader, node: Node, onUnset: (error: UnsetVariableError) => void): Record<string, unknown> {
  const secrets: Record<string, unknown> = {};
  for (const { key, value } of reader.entries(node, 'secrets')) {
    try {
      secrets[key] = reader.data(value, `secrets.${key}`);
    } catch (error) {
      if (!(error instanceof UnsetVariableError)) throw error;
      onUnset(error);
    }
  }
  return secrets;
}

/** Runs a check of a value; its UserError gets the value's file:line:col. */
function checkedAt<T>(reader: YamlReader, node: Node | null, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UserError && !(error instanceof ConfigError)) throw new ConfigError(`${reader.at(node)}: ${error.message}`, error.hint);
    throw error;
  }
}

/** Parses and checks the whole file. `env` supplies `${VAR}` values. */
export function parseProjectConfig(file: string, text: string, env: NodeJS.ProcessEnv = process.env): ProjectConfig {
  const reader = new YamlReader(file, text, env);
  const config: ProjectConfig = { file, flags: {}, routes: [] };
  if (reader.root === null) return config;
  const checked = <T>(node: Node | null, fn: () => T): T => checkedAt(reader, node, fn);
  for (const { key, value } of reader.entries(reader.root, '', TOP_KEYS)) {
    const flags = config.flags;
    switch (key) {
      case 'relay': {
        const relay = reader.string(value, key);
        if (!/^(https?|wss?):\/\/[^/]/.test(relay)) throw reader.fail(value, key, `"${relay}" is not an http(s):// or ws(s):// URL`);
        flags.relay = relay;
        break;
      }
      case 'token': {
        // A token written in a file that is likely committed would leak: it must come from the environment.
        const raw = isScalar(value) ? String(value.value) : '';
        if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(raw)) {
          throw reader.fail(value, key, 'must name an environment variable, as token: ${HOOKTUNNEL_TOKEN}', 'keep tokens out of files that get committed');
        }
        flags.token = reader.string(value, key);
        break;
      }
      case 'db':
        // Relative to the file, so the project's store is the same wherever hooktunnel is started from (a piped file has
        // no folder of its own: the working directory's, as its tunnel name).
        flags.db = resolve(projectFolder(file), reader.string(value, key));
        break;
      case 'timeout':
      case 'retry-base': {
        const text = reader.string(value, key);
        // Checked here too, so that a mistake names the file's key and config check refuses it.
        checked(value, () => (key === 'retry-base' ? parseRetryBase : parseDuration)(text, key));
        flags[key === 'timeout' ? 'timeout' : 'retryBase'] = text;
        break;
      }
      case 'name': {
        const name = reader.string(value, key);
        const problem = tunnelNameProblem(name);
        if (problem) throw reader.fail(value, key, problem, 'for example name: stripe-dev');
        flags.name = name;
        break;
      }
      case 'host-header':
        flags.hostHeader = reader.string(value, key);
        checked(value, () => parseHostHeader(flags.hostHeader!, key));
        break;
      case 'ack':
        flags.ack = reader.boolean(value, key);
        break;
      case 'ack-path':
        flags.ackPath = reader.strings(value, key);
        break;
      case 'redact':
        flags.redact = reader.strings(value, key);
        flags.redact.forEach((rule) => checked(value, () => parseRedactRule(rule, key)));
        break;
      case 'ack-status':
      case 'max-attempts':
      case 'keep': {
        const n = reader.number(value, key);
        const [min, max] = WHOLE_NUMBERS[key];
        if (!Number.isInteger(n) || n < min || n > max) throw reader.fail(value, key, `must be a whole number ${range(min, max)}`);
        flags[key === 'ack-status' ? 'ackStatus' : key === 'max-attempts' ? 'maxAttempts' : 'keep'] = String(n);
        break;
      }
      case 'secrets':
        config.secrets = reader.data(value, key);
        checked(value, () => secretsFromConfig(config.secrets));
        break;
      case 'routes':
        config.routes = readRoutes(reader, value, checked);
        break;
      default:
        flags[TEXT_FLAGS[key]] = reader.string(value, key) as never;
    }
  }
  return config;
}

function readRoutes(reader: YamlReader, node: Node | null, checked: <T>(node: Node | null, fn: () => T) => T): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const { key: prefixText, keyNode, value } of reader.entries(node, 'routes')) {
    const path = `routes.${prefixText}`;
    if (!/^\/[^\s?#*]*$/.test(prefixText)) throw reader.fail(keyNode, path, 'a route is a path prefix: it starts with / and has no spaces, ?, # or *');
    const route: RouteSpec = { prefix: normalizePrefix(prefixText), where: reader.at(keyNode), mode: 'forward' };
    // `/stripe: 3000` is short for `/stripe: { forward: 3000 }`.
    const entries = isMap(value) ? reader.entries(value, path, ROUTE_KEYS) : [{ key: 'forward', keyNode, value }];
    const modes = entries.filter((e) => e.key === 'forward' || e.key === 'ack' || e.key === 'mock');
    if (modes.length !== 1) throw reader.fail(keyNode, path, modes.length === 0 ? 'needs one of forward, ack or mock' : 'has more than one of forward, ack and mock');
    for (const { key, value: v } of entries) {
      const at = `${path}.${key}`;
      if (key === 'forward' || key === 'ack') {
        route.mode = key;
        const text = reader.string(v, at);
        route.target = checked(v, () => parseTarget(text, at));
      } else if (key === 'mock') {
        route.mode = 'mock';
        route.mock = readMock(reader, v, at);
      } else if (key === 'timeout') {
        const text = reader.string(v, at);
        route.timeoutMs = checked(v, () => parseDuration(text, at));
      } else {
        const text = reader.string(v, at);
        route.hostHeader = checked(v, () => parseHostHeader(text, at));
      }
    }
    if (route.mode === 'mock' && (route.timeoutMs !== undefined || route.hostHeader !== undefined)) {
      throw reader.fail(keyNode, path, 'a mock route answers by itself: timeout and host-header do not apply');
    }
    routes.push(route);
  }
  const overlap = findOverlap(routes);
  if (overlap) throw new ConfigError(`${overlap[1].where}: routes.${overlap[1].prefix}: overlaps the route at ${overlap[0].where} (the same prefix)`, 'write each prefix once');
  // The relay acknowledges whole prefixes: a route under an ack route would be answered by the relay too.
  for (const ack of routes.filter((r) => r.mode === 'ack')) {
    const inside = routes.find((r) => r !== ack && r.mode !== 'ack' && prefixTakes(ack.prefix, r.prefix));
    if (inside) throw new ConfigError(`${inside.where}: routes.${inside.prefix}: overlaps the ack route ${ack.prefix} at ${ack.where}, whose requests the relay answers itself`, `make ${inside.prefix} an ack route too, or move it out from under ${ack.prefix}`);
  }
  return routes;
}

function readMock(reader: YamlReader, node: Node | null, path: string): MockAnswer {
  const mock: MockAnswer = { status: 200, headers: [], body: Buffer.alloc(0) };
  const lengths: { node: Node | null; at: string; text: string }[] = [];
  for (const { key, value } of reader.entries(node, path, MOCK_KEYS)) {
    const at = `${path}.${key}`;
    if (key === 'status') {
      mock.status = reader.number(value, at);
      if (!Number.isInteger(mock.status) || mock.status < 100 || mock.status > 599) throw reader.fail(value, at, `${mock.status} is not an HTTP status (100-599)`);
    } else if (key === 'headers') {
      const headers: HeaderPairs = [];
      for (const h of reader.entries(value, at)) {
        if (!isHttpToken(h.key)) throw reader.fail(h.keyNode, `${at}.${h.key}`, 'is not a header name');
        const text = reader.string(h.value, `${at}.${h.key}`);
        const problem = headerValueProblem(text);
        if (problem) throw reader.fail(h.value, `${at}.${h.key}`, `the value ${problem}`);
        headers.push([h.key, text]);
        if (h.key.toLowerCase() === 'content-length') lengths.push({ node: h.value, at: `${at}.${h.key}`, text });
      }
      mock.headers = headers;
    } else {
      mock.body = Buffer.from(reader.string(value, at));
    }
  }
  // A length that is not the body's leaves the sender waiting for bytes that never come (or cuts the body short).
  // Every one of them: a mock may spell it twice (Content-Length and content-length), and both are sent.
  for (const length of lengths) {
    if (length.text.trim() !== String(mock.body.length)) {
      throw reader.fail(length.node, length.at, `${length.text} is not the body's length (${mock.body.length} bytes); leave Content-Length out, hooktunnel sets it`);
    }
  }
  return mock;
}
