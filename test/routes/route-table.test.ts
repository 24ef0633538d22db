// Route resolution: longest prefix on segment boundaries, the rest of the path, overlaps; and where exchanges go again.

import { describe, expect, it } from 'vitest';
import { findOverlap, normalizePrefix, prefixTakes, resolveRoute, restOfPath } from '../../src/routes/route-table.js';
import { forwardedPath } from '../../src/routes/forwarded-path.js';

const routes = ['/', '/stripe', '/stripe/connect', '/github/app'].map((prefix) => ({ prefix }));

describe('routes', () => {
  it.each([
    ['/stripe', '/stripe', '/'],
    ['/stripe/x?y=1', '/stripe', '/x?y=1'],
    ['/stripe?y=1', '/stripe', '/?y=1'],
    ['/stripes', '/', '/stripes'],
    ['/stripe/connect/acct', '/stripe/connect', '/acct'],
    ['/stripe/connected', '/stripe', '/connected'],
    ['/github/app/hook', '/github/app', '/hook'],
    ['/github/other', '/', '/github/other'],
    ['//169.254.169.254/x', '/', '//169.254.169.254/x'],
  ])('%s goes to %s with %s', (path, prefix, rest) => {
    const route = resolveRoute(routes, path)!;
    expect(route.prefix).toBe(prefix);
    expect(restOfPath(route.prefix, path)).toBe(rest);
  });

  it('takes nothing without a catch-all', () => {
    expect(resolveRoute([{ prefix: '/a' }], '/b')).toBeUndefined();
    expect(prefixTakes('/a', '/ab')).toBe(false);
    expect(prefixTakes('/a', '/a#x')).toBe(false);
  });

  it('normalises prefixes and finds two that are the same route', () => {
    expect(normalizePrefix('/a/')).toBe('/a');
    expect(normalizePrefix('///')).toBe('/');
    const list = [{ prefix: '/a', where: 'f:1:1' }, { prefix: '/b' }, { prefix: '/a/', where: 'f:3:1' }];
    expect(findOverlap(list)).toEqual([list[0], list[2]]);
    expect(findOverlap([{ prefix: '/a' }, { prefix: '/a/b' }])).toBeUndefined();
  });

  it('sends a routed exchange again with the rest of its path', () => {
    expect(forwardedPath({ path: '/stripe/x?y', route: '/stripe' })).toBe('/x?y');
    expect(forwardedPath({ path: '/stripe/x', route: null })).toBe('/stripe/x');
    expect(forwardedPath({ path: '/x', route: '/' })).toBe('/x');
  });
});
