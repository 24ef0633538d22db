// Table tests for the TUI's pure helpers: viewport, navigation, JSON colour, wrapping, layout, filter, TUI choice.

import { describe, expect, it } from 'vitest';
import { osc52 } from '../../src/tui/clipboard.js';
import { exitSummary } from '../../src/tui/exit-summary.js';
import { bodiesMatch, isFailedDelivery, parseFilter, summaryMatches, termsMatch } from '../../src/tui/filter.js';
import { BODY_VIEW_LIMIT } from '../../src/tui/detail-lines.js';
import { colourJsonLine } from '../../src/tui/json-colour.js';
import { computeLayout } from '../../src/tui/layout.js';
import type { HeaderInfo } from '../../src/tui/model.js';
import { INITIAL_NAVIGATION, navigate } from '../../src/tui/navigation.js';
import { shouldUseTui } from '../../src/tui/should-use-tui.js';
import { headerNote } from '../../src/tui/start-listen-tui.js';
import { statusText } from '../../src/tui/status-style.js';
import { wrapLines } from '../../src/tui/styled-line.js';
import { locate, viewport } from '../../src/tui/viewport.js';
import { makeExchange, makeWebhook } from './fake-model.js';

const rows = [9, 7, 5, 3, 1].map((id) => makeExchange(id));

describe('viewport', () => {
  it.each([
    [7, 1],
    [6, 2],
    [100, 0],
    [0, 4],
    [undefined, 0],
  ])('locates id %s at index %i (or the nearest older row)', (id, index) => {
    expect(locate(rows, id)).toBe(index);
  });

  it('keeps the selection visible and the top where it was', () => {
    expect(viewport(rows, 7, 9, 2)).toEqual({ selected: 1, top: 0 });
    expect(viewport(rows, 3, 9, 2)).toEqual({ selected: 3, top: 2 });
    expect(viewport(rows, 9, 5, 2)).toEqual({ selected: 0, top: 0 });
    expect(viewport(rows, 1, 1, 3)).toEqual({ selected: 4, top: 2 });
  });
});

describe('navigation', () => {
  it('leaves follow mode on the first move and stays on the chosen id', () => {
    const moved = navigate(INITIAL_NAVIGATION, { type: 'move', by: 1, rows, height: 3 });
    expect(moved).toEqual({ following: false, selectedId: 7, topId: 9 });
    const twice = navigate(moved, { type: 'move', by: 3, rows, height: 3 });
    expect(twice).toEqual({ following: false, selectedId: 1, topId: 5 });
    expect(navigate(twice, { type: 'move', by: -10, rows, height: 3 })).toMatchObject({ selectedId: 9, topId: 9 });
    expect(navigate(twice, { type: 'follow', on: true, rows, height: 3 })).toEqual({ following: true });
    expect(navigate(INITIAL_NAVIGATION, { type: 'follow', on: false, rows, height: 3 })).toEqual({ following: false, selectedId: 9, topId: 9 });
    expect(navigate(INITIAL_NAVIGATION, { type: 'last', rows, height: 3 })).toMatchObject({ selectedId: 1 });
  });
});

describe('colourJsonLine', () => {
  it('colours keys, strings, numbers and literals', () => {
    expect(colourJsonLine('  "amount": -12.5e3,')).toEqual([
      { text: '  ' },
      { text: '"amount"', color: 'cyan' },
      { text: ':' },
      { text: ' ' },
      { text: '-12.5e3', color: 'yellow' },
      { text: ',' },
    ]);
    expect(colourJsonLine('  "a \\" b",')).toEqual([{ text: '  ' }, { text: '"a \\" b"', color: 'green' }, { text: ',' }]);
    expect(colourJsonLine('  true')).toEqual([{ text: '  ' }, { text: 'true', color: 'magenta' }]);
    expect(colourJsonLine('  "id1": null').map((s) => s.color)).toEqual([undefined, 'cyan', undefined, undefined, 'magenta']);
  });
});

describe('wrapLines', () => {
  it('wraps by code points and keeps styles across the cut', () => {
    expect(wrapLines([[{ text: 'abc', color: 'cyan' }, { text: 'déf' }], []], 4)).toEqual([
      [{ text: 'abc', color: 'cyan' }, { text: 'd' }],
      [{ text: 'éf' }],
      [],
    ]);
  });

  it('wraps a body-sized one-line text (it used to copy the rest of the line for every row: 8 s here, past the test timeout)', () => {
    const text = 'x'.repeat(BODY_VIEW_LIMIT * 2);
    const lines = wrapLines([[{ text }]], 100);
    expect(lines).toHaveLength(Math.ceil(text.length / 100));
    expect(lines.every((l) => l.length === 1)).toBe(true);
  });
});

describe('computeLayout', () => {
  it.each([
    [24, 'list', { height: 23, listRows: 7, detailRows: 10 }],
    [40, 'list', { height: 39, listRows: 13, detailRows: 20 }],
    [40, 'detail', { height: 39, listRows: 5, detailRows: 28 }],
    [12, 'list', { height: 11, listRows: 6, detailRows: 0 }],
    [12, 'detail', { height: 11, listRows: 1, detailRows: 4 }],
  ] as const)('%i rows, %s focus', (terminalRows, focus, layout) => {
    expect(computeLayout(terminalRows, focus)).toEqual(layout);
  });
});

describe('filter', () => {
  const e = makeExchange(42, { method: 'PUT', path: '/a%20b?x=1', status: 404, requestBody: Buffer.from('{"Type":"Invoice.Paid"}') });
  it.each(['put', '/a%20b', '/a b', '404', '42', '#42'])('matches %s on the summary', (needle) => {
    expect(summaryMatches(e, needle)).toBe(true);
  });
  it('matches body text case-insensitively and misses what is not there', () => {
    expect(summaryMatches(e, 'invoice')).toBe(false);
    expect(bodiesMatch(e, ['invoice.paid'])).toBe(true);
    expect(bodiesMatch(e, ['ok'])).toBe(true);
    expect(bodiesMatch(e, ['refund'])).toBe(false);
    // Each word in either body: one in the request and one in the response is a match; one missing is not.
    expect(bodiesMatch(e, ['invoice.paid', 'ok'])).toBe(true);
    expect(bodiesMatch(e, ['invoice.paid', 'refund'])).toBe(false);
  });
});

describe('filter terms', () => {
  it('splits terms from plain words, lower-cased; a term still being typed is no constraint', () => {
    expect(parseFilter('  Provider:Stripe  invoice event:payment_intent status:5xx sig:invalid FAILED #3 ')).toEqual({
      terms: [
        { kind: 'provider', value: 'stripe' },
        { kind: 'event', value: 'payment_intent' },
        { kind: 'status', value: '5xx' },
        { kind: 'sig', value: 'invalid' },
        { kind: 'failed' },
      ],
      words: ['invoice', '#3'],
    });
    expect(parseFilter('provider: content-type:json')).toEqual({ terms: [], words: ['content-type:json'] });
  });

  const stripe = makeExchange(1, { webhook: makeWebhook({ eventType: 'invoice.paid', eventId: 'evt_9' }) });
  const github = makeExchange(2, { status: 404, webhook: makeWebhook({ provider: 'github', eventType: 'push', verification: 'invalid' }) });
  const plain = makeExchange(3, { status: 503 });
  const noAnswer = makeExchange(4, { status: 504, state: 'failed', errorCode: 'local_timeout' });
  const interrupted = makeExchange(5, { status: null, state: 'interrupted' });
  const pending = makeExchange(6, { status: null, state: 'pending' });
  const clerk = makeExchange(7, { webhook: makeWebhook({ provider: 'standard', eventType: 'user.created' }) });
  const all = [stripe, github, plain, noAnswer, interrupted, pending, clerk];
  it.each([
    ['provider:stripe', [1]],
    // Svix is recorded as the standard provider, as `ls --provider svix` knows.
    ['provider:svix', [7]],
    ['provider:Svix', [7]],
    ['provider:stand', [7]],
    ['provider:GIT', [2]],
    ['event:invoice', [1]],
    ['event:push', [2]],
    ['status:5xx', [3, 4]],
    ['status:404', [2]],
    ['status:50', [3, 4]],
    ['status:2xx', [1, 7]],
    ['status:abc', []],
    ['sig:valid', [1, 7]],
    ['sig:invalid', [2]],
    ['sig:unchecked', [3, 4, 5, 6]],
    ['sig:inv', [2]],
    ['failed', [2, 3, 4, 5]],
    ['failed provider:github', [2]],
  ])('%s matches %j', (text, ids) => {
    const { terms } = parseFilter(text);
    expect(all.filter((e) => termsMatch(e, terms)).map((e) => e.id)).toEqual(ids);
  });

  it('counts no answer, 5xx and an invalid signature as failed, and nothing else', () => {
    expect([stripe, github, plain, noAnswer, interrupted, pending].map(isFailedDelivery)).toEqual([false, true, true, true, true, false]);
  });

  it('matches plain words on provider, event type and event id too', () => {
    for (const needle of ['stripe', 'invoice.paid', 'evt_9']) expect(summaryMatches(stripe, needle)).toBe(true);
    expect(summaryMatches(plain, 'stripe')).toBe(false);
  });
});

describe('shouldUseTui', () => {
  const tty = { stdin: { isTTY: true }, stdout: { isTTY: true } };
  const flags = { tui: true, json: false, store: true };
  it.each([
    ['a terminal', flags, tty, {}, true],
    ['--no-tui', { ...flags, tui: false }, tty, {}, false],
    ['--json', { ...flags, json: true }, tty, {}, false],
    ['--no-store', { ...flags, store: false }, tty, {}, false],
    ['stdout piped', flags, { ...tty, stdout: { isTTY: false } }, {}, false],
    ['stdin piped', flags, { ...tty, stdin: {} }, {}, false],
    ['CI', flags, tty, { CI: 'true' }, false],
    ['CI=false', flags, tty, { CI: 'false' }, true],
    ['TERM=dumb', flags, tty, { TERM: 'dumb' }, false],
  ] as const)('%s → %s', (_, f, streams, env, expected) => {
    expect(shouldUseTui(f, streams, env)).toBe(expected);
  });
});

describe('clipboard and exit summary', () => {
  it('wraps text in OSC 52 as base64', () => {
    expect(osc52("curl 'x'")).toBe(`\x1b]52;c;${Buffer.from("curl 'x'").toString('base64')}\x07`);
  });

  it('summarises the session and prints the copied commands', () => {
    const info: HeaderInfo = { mode: 'listen', url: null, target: 't', dbPath: '/d.db', connection: null, requests: 3, failures: 1, storeErrors: 0 };
    expect(exitSummary(info, [])).toBe('hooktunnel listen: 3 requests, 1 failed; recorded in /d.db\n');
    expect(exitSummary({ ...info, mode: 'inspect' }, ['curl a', 'curl b'])).toBe(
      'hooktunnel inspect: 3 replays; recorded in /d.db\n\ncurl commands copied during this session:\ncurl a\n\ncurl b\n',
    );
    expect(exitSummary({ ...info, requests: 1, failures: 0 }, [])).toBe('hooktunnel listen: 1 request, 0 failed; recorded in /d.db\n');
    expect(exitSummary({ ...info, mode: 'inspect', requests: 1 }, [])).toBe('hooktunnel inspect: 1 replay; recorded in /d.db\n');
  });
});

describe('docs/tui.md', () => {
  it('documents every key binding', async () => {
    const { readFileSync } = await import('node:fs');
    const { KEY_BINDINGS } = await import('../../src/tui/keymap.js');
    const doc = readFileSync(new URL('../../docs/tui.md', import.meta.url), 'utf8');
    for (const binding of KEY_BINDINGS) expect(doc).toContain(`| \`${binding.keys}\` |`);
  });
});

describe('curlCommand', () => {
  it('inlines small bodies and streams large ones from `hooktunnel show --raw`', async () => {
    const { curlCommand, INLINE_BODY_LIMIT } = await import('../../src/tui/curl-command.js');
    const small = makeExchange(3, { path: '/x' });
    expect(curlCommand(small, '/d.db')).toMatch(/^curl .*'http:\/\/localhost:3000\/x'[\s\S]*--data-binary '\{"id":3\}'$/);
    const large = makeExchange(4, { path: '/x', requestBody: Buffer.alloc(INLINE_BODY_LIMIT + 1, 0x61) });
    const command = curlCommand(large, "/my dir/it's.db");
    expect(command).toMatch(/^hooktunnel show 4 --raw --db '\/my dir\/it'\\''s\.db' \| curl /);
    expect(command).toContain("--data-binary '@-'");
    expect(command.length).toBeLessThan(1000);
  });
});

describe('status column', () => {
  it.each([
    [{ state: 'complete', status: 200 }, '200'],
    [{ state: 'failed', status: 502 }, '502!'],
    [{ state: 'pending', status: null }, '…'],
    [{ state: 'interrupted', status: null }, 'int'],
    // Failed with its body cut off by a tunnel drop: the app never got it whole, whatever the status.
    [{ state: 'failed', status: 502, requestIncomplete: true }, 'cut'],
  ] as const)('%o reads %s', (fields, text) => {
    expect(statusText({ ...makeExchange(1), ...fields })).toBe(text);
  });
});

describe('headerNote', () => {
  it("puts the caller's note (the inspector's address) before the embedded relay's warning, so a cut line keeps it", () => {
    expect(headerNote('web inspector http://127.0.0.1:4040/?k=abc', true)).toBe(
      'web inspector http://127.0.0.1:4040/?k=abc; embedded relay: reachable from this machine only',
    );
    expect(headerNote(undefined, true)).toBe('embedded relay: reachable from this machine only');
    expect(headerNote('web inspector http://127.0.0.1:4040/', false)).toBe('web inspector http://127.0.0.1:4040/');
    expect(headerNote(undefined, false)).toBeUndefined();
  });
});
