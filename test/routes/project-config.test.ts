// hooktunnel.yml: a full file read into flags and routes, and every kind of mistake named by file, line, column and key.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseProjectConfig } from '../../src/project-config/project-config.js';
import { findProjectConfig, longestTimeout, projectName, resolveRoutes } from '../../src/project-config/find-project-config.js';
import { NAME_PATTERN } from '../../src/protocol.js';
import { plainReporter } from '../../src/output/listen-reporter.js';
import { parseTarget } from '../../src/forward/target.js';
import type { Route } from '../../src/routes/route-table.js';

const FULL = `# a project with three apps
relay: https://hooks.example.com
token: \${HT_TOKEN}
name: acme-dev
db: .hooktunnel/capture.db
timeout: 45s
host-header: preserve
ack-status: 202
max-attempts: 5
secrets:
  stripe: \${STRIPE_SECRET}
routes:
  /stripe:
    forward: 3000
    timeout: 2m
  /github: http://127.0.0.1:4000/hooks
  /shopify:
    ack: 5000
    host-header: rewrite
  /health:
    mock:
      status: 204
      headers:
        X-Mock: "yes"
      body: ok $$5
`;
const env = { HT_TOKEN: 'tok_1', STRIPE_SECRET: 'whsec_abc' };

describe('parseProjectConfig', () => {
  it('reads flags, secrets and routes', () => {
    const config = parseProjectConfig('/p/hooktunnel.yml', FULL, env);
    expect(config.flags).toEqual({
      relay: 'https://hooks.example.com', token: 'tok_1', name: 'acme-dev', db: '/p/.hooktunnel/capture.db',
      timeout: '45s', hostHeader: 'preserve', ackStatus: '202', maxAttempts: '5',
    });
    expect(config.secrets).toEqual({ stripe: 'whsec_abc' });
    expect(config.routes.map((r) => [r.prefix, r.mode, r.target?.url, r.timeoutMs, r.hostHeader, r.where])).toEqual([
      ['/stripe', 'forward', 'http://localhost:3000', 120_000, undefined, '/p/hooktunnel.yml:13:3'],
      ['/github', 'forward', 'http://127.0.0.1:4000/hooks', undefined, undefined, '/p/hooktunnel.yml:16:3'],
      ['/shopify', 'ack', 'http://localhost:5000', undefined, 'rewrite', '/p/hooktunnel.yml:17:3'],
      ['/health', 'mock', undefined, undefined, undefined, '/p/hooktunnel.yml:20:3'],
    ]);
    expect(config.routes[3].mock).toEqual({ status: 204, headers: [['X-Mock', 'yes']], body: Buffer.from('ok $5') });
    const routes = resolveRoutes(config.routes, { timeoutMs: 45_000, hostHeader: 'preserve' });
    expect(routes[1]).toMatchObject({ timeoutMs: 45_000, hostHeader: 'preserve' });
    expect(longestTimeout(routes, 1)).toBe(120_000);
    const forever: Route = { prefix: '/z', mode: 'forward', target: config.routes[0].target!, timeoutMs: 0, hostHeader: 'rewrite' };
    expect(longestTimeout([...routes, forever], 1)).toBe(0);
  });

  it("a mock's Content-Length that is the body's length is kept as written", () => {
    const config = parseProjectConfig('h.yml', 'routes:\n  /a:\n    mock:\n      headers: { content-length: "3" }\n      body: abc\n', {});
    expect(config.routes[0].mock).toEqual({ status: 200, headers: [['content-length', '3']], body: Buffer.from('abc') });
  });

  it('an empty file sets nothing', () => {
    expect(parseProjectConfig('h.yml', '# nothing yet\n', {})).toEqual({ file: 'h.yml', flags: {}, routes: [] });
  });

  const bad: [string, string, RegExp][] = [
    ['unknown top-level key', 'relay: https://x\ncolour: red\n', /^h\.yml:2:1: colour: unknown key$/],
    ['unknown route key', 'routes:\n  /a:\n    forward: 1\n    retries: 3\n', /^h\.yml:4:5: routes\.\/a\.retries: unknown key$/],
    ['wrong type', 'timeout: [1]\n', /^h\.yml:1:10: timeout: must be text$/],
    ['not a boolean', 'ack: yes please\n', /^h\.yml:1:6: ack: must be true or false$/],
    ['out of range', 'max-attempts: 0\n', /^h\.yml:1:15: max-attempts: must be a whole number from 1 to 100$/],
    ['bad duration', 'routes:\n  /a:\n    forward: 1\n    timeout: soon\n', /^h\.yml:4:14: routes\.\/a\.timeout "soon" is not a duration$/],
    ['bad target', 'routes:\n  /a: ftp://x\n', /^h\.yml:2:7: routes\.\/a\.forward "ftp:\/\/x" must be an http/],
    ['same prefix twice', 'routes:\n  /a: 1\n  /a/: 2\n', /^h\.yml:3:3: routes\.\/a: overlaps the route at h\.yml:2:3/],
    ['duplicate key', 'routes:\n  /a: 1\n  /a: 2\n', /^h\.yml:3:3: key "\/a" appears twice \(map keys must be unique\)$/],
    ['duplicate quoted key', 'name: x\n"name": y\n', /^h\.yml:2:1: key "name" appears twice \(map keys must be unique\)$/],
    ['a route under an ack route', 'routes:\n  /a:\n    ack: 1\n  /a/b: 2\n', /^h\.yml:4:3: routes\.\/a\/b: overlaps the ack route \/a/],
    ['no mode', 'routes:\n  /a:\n    timeout: 1s\n', /^h\.yml:2:3: routes\.\/a: needs one of forward, ack or mock$/],
    ['two modes', 'routes:\n  /a:\n    forward: 1\n    ack: 2\n', /has more than one of forward, ack and mock/],
    ['bad prefix', 'routes:\n  stripe: 1\n', /^h\.yml:2:3: routes\.stripe: a route is a path prefix/],
    ['mock status', 'routes:\n  /a:\n    mock: { status: 700 }\n', /^h\.yml:3:21: routes\.\/a\.mock\.status: 700 is not an HTTP status/],
    ['host-header with a line break', 'routes:\n  /a:\n    forward: 1\n    host-header: "a\\nb"\n', /^h\.yml:4:18: routes\.\/a\.host-header contains a control character/],
    // The sender would wait for two bytes that never come.
    ['mock Content-Length not the body\'s', 'routes:\n  /a:\n    mock:\n      headers: { Content-Length: "5" }\n      body: abc\n', /^h\.yml:4:34: routes\.\/a\.mock\.headers\.Content-Length: 5 is not the body's length \(3 bytes\); leave Content-Length out/],
    ['mock Content-Length twice, one wrong', 'routes:\n  /a:\n    mock:\n      headers: { Content-Length: "3", content-length: "9" }\n      body: abc\n', /routes\.\/a\.mock\.headers\.content-length: 9 is not the body's length \(3 bytes\)/],
    ['mock header with a control character', 'routes:\n  /a:\n    mock:\n      headers: { X-A: "a\\x01b" }\n', /routes\.\/a\.mock\.headers\.X-A: the value contains a control character/],
    ['mock header beyond Latin-1', 'routes:\n  /a:\n    mock:\n      headers: { X-A: "✓" }\n', /routes\.\/a\.mock\.headers\.X-A: the value contains "✓", which a header value cannot carry/],
    ['mock with a timeout', 'routes:\n  /a:\n    mock: {}\n    timeout: 1s\n', /timeout and host-header do not apply/],
    ['literal token', 'token: abc123\n', /^h\.yml:1:8: token: must name an environment variable/],
    ['unset variable', 'name: ${NOPE_NOT_SET}\n', /^h\.yml:1:7: name: the environment variable NOPE_NOT_SET is not set$/],
    ['unknown secret provider', 'secrets:\n  acme: x\n', /^h\.yml:2:3: config "secrets\.acme" names no known provider/],
    ['YAML syntax', 'routes: [\n', /^h\.yml:2:1: /],
    ['not a mapping', '- a\n- b\n', /^h\.yml:1:1: \(top level\): must be a mapping/],
  ];
  it.each(bad)('%s', (_what, text, message) => {
    let error: unknown;
    try {
      parseProjectConfig('h.yml', text, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toMatch(message);
  });
});

describe('findProjectConfig', () => {
  it('uses the named file, else hooktunnel.yml in the directory, else none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooktunnel-cfg-'));
    try {
      expect(findProjectConfig(undefined, '--config', dir)).toBeUndefined();
      writeFileSync(join(dir, 'hooktunnel.yml'), '');
      expect(findProjectConfig(undefined, '--config', dir)).toBe(join(dir, 'hooktunnel.yml'));
      expect(() => findProjectConfig(join(dir, 'other.yml'), '--config', dir)).toThrow(`--config names ${join(dir, 'other.yml')}, which does not exist`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("projectName (the embedded relay's name for a routes config)", () => {
  it.each([
    ['/home/me/Shop API/hooktunnel.yml', 'shop-api'],
    ['/srv/__/hooktunnel.yml', 'routes'],
    // 62 letters, then characters that become a dash right where 63 characters are cut: no trailing dash.
    [`/x/${'a'.repeat(62)}!!tail/hooktunnel.yml`, 'a'.repeat(62)],
  ])('%s → %s, a name the relay accepts', (file, name) => {
    expect(projectName(file)).toBe(name);
    expect(projectName(file)).toMatch(NAME_PATTERN);
  });
});

describe("listen's banner with routes", () => {
  it('says how many routes, one or several, and lists them', () => {
    const lines: string[] = [];
    const reporter = plainReporter((text) => lines.push(text), () => {});
    const route = { prefix: '/a', where: 'hooktunnel.yml:3:3', mode: 'forward' as const, target: parseTarget('4000'), timeoutMs: 30_000, hostHeader: 'rewrite' as const };
    reporter.ready({ url: 'http://127.0.0.1:4747/t/shop', target: '', dbPath: null, localOnly: false, routes: [route] });
    expect(lines[0]).toContain('→  1 route (hooktunnel.yml)');
    expect(lines[1]).toContain('/a');
  });
});
