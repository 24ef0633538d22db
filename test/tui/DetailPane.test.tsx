// The detail pane's content for JSON, form, binary and large bodies, its tabs and its scroll position.

import { gzipSync } from 'node:zlib';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DetailPane } from '../../src/tui/DetailPane.js';
import { BODY_VIEW_LIMIT, detailLines, PRETTY_VIEW_LIMIT, type DetailTab } from '../../src/tui/detail-lines.js';
import { wrapLines } from '../../src/tui/styled-line.js';
import type { Exchange } from '../../src/exchange.js';
import { MAX_DECODED_BYTES } from '../../src/gzip-body.js';
import { formatTime } from '../../src/output/format.js';
import { makeExchange, makeWebhook } from './fake-model.js';

function frameOf(e: Exchange, tab: DetailTab = 'request', options: { scroll?: number; height?: number; width?: number } = {}) {
  const width = options.width ?? 100;
  const lines = wrapLines(detailLines(e, tab), width);
  const scroll = options.scroll ?? 0;
  const height = options.height ?? 30;
  const ui = render(
    <DetailPane lines={lines.slice(scroll, scroll + height)} total={lines.length} scroll={scroll} tab={tab} height={height} width={width} focused={false} />,
  );
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  return frame;
}

describe('DetailPane', () => {
  it('pretty-prints a JSON request body under the request line and headers', () => {
    const e = makeExchange(3, {
      path: '/stripe?livemode=false',
      requestHeaders: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', 't=1,v1=abc'],
      ],
      requestBody: Buffer.from('{"type":"invoice.paid","data":{"amount":1200,"paid":true,"note":null}}'),
    });
    const frame = frameOf(e);
    expect(frame).toContain('POST /stripe?livemode=false  → http://localhost:3000');
    expect(frame).toContain('query\n  livemode = false');
    expect(frame).toContain('Stripe-Signature: t=1,v1=abc');
    expect(frame).toContain('body: 70 bytes, application/json');
    expect(frame).toContain('{\n  "type": "invoice.paid",\n  "data": {\n    "amount": 1200,\n    "paid": true,\n    "note": null\n  }\n}');
    expect(frame.split('\n')[0]).toMatch(/^─ \[Request\] Response  ─+$/);
  });

  it('decodes a form body into fields', () => {
    const e = makeExchange(4, {
      requestHeaders: [['content-type', 'application/x-www-form-urlencoded; charset=utf-8']],
      requestBody: Buffer.from('Body=Hello+there&From=%2B15551234567&Name=J%C3%B6rg'),
    });
    expect(frameOf(e)).toContain('Body = Hello there\nFrom = +15551234567\nName = Jörg');
  });

  it('summarises a binary body: size, type and the first bytes in hex', () => {
    const body = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x1b]);
    const e = makeExchange(5, { requestHeaders: [['content-type', 'image/png']], requestBody: body });
    const frame = frameOf(e);
    expect(frame).toContain('body: 11 bytes, image/png, binary');
    expect(frame).toContain('binary, first bytes: 89 50 4e 47 0d 0a 1a 0a 00 ff 1b');
  });

  it('shows the response tab: status, duration, headers and body; an error when the app never answered', () => {
    const ok = makeExchange(6, { status: 201, durationMs: 1500, responseHeaders: [['x-app', 'yes']], responseBody: Buffer.from('created') });
    const okFrame = frameOf(ok, 'response');
    expect(okFrame).toContain('201  1.5s');
    expect(okFrame).toContain('x-app: yes');
    expect(okFrame).toContain('created');
    // Without colour (NO_COLOR, and these frames) the brackets are what tells the shown tab.
    expect(okFrame.split('\n')[0]).toMatch(/^─ {2}Request \[Response\] ─+$/);
    const failed = makeExchange(7, {
      status: 502,
      state: 'failed',
      errorCode: 'local_unreachable',
      errorMessage: 'could not connect to localhost:3000',
      responseHeaders: null,
      responseBody: null,
    });
    const failedFrame = frameOf(failed, 'response');
    expect(failedFrame).toContain('502!  12ms  local_unreachable: could not connect to localhost:3000');
    expect(failedFrame).toContain('(no response from the local app; hooktunnel answered with the error above)');
  });

  it('scrolls: shows the lines from the scroll position and where it is', () => {
    const body = Buffer.from(Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
    const e = makeExchange(8, { requestHeaders: [['content-type', 'text/plain']], requestBody: body });
    const frame = frameOf(e, 'request', { scroll: 50, height: 10 });
    const lines = frame.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/lines 51-60 of 106$/);
    expect(lines[1]).toBe('line 46');
  });

  it('shows only the first part of a very large body, cut on a character boundary', () => {
    const body = Buffer.from(`${'é'.repeat(BODY_VIEW_LIMIT)}`);
    const e = makeExchange(9, { requestHeaders: [['content-type', 'text/plain']], requestBody: body });
    const [title] = detailLines(e, 'request').filter((l) => l[0]?.text.startsWith('body:'));
    expect(title[0].text).toBe('body: 524,288 bytes (first 262,144 shown), text/plain');
  });

  it('shows a body of more lines than a function call takes arguments (a sender must not be able to crash listen)', () => {
    // `[0,0,…]` within the view limit pretty-prints to ~130,000 lines, past the ~125,000 arguments a spread can pass.
    const elements = Math.floor((BODY_VIEW_LIMIT - 2) / 2);
    const body = Buffer.from(`[${new Array(elements).fill(0).join(',')}]`);
    const e = makeExchange(9, { requestHeaders: [['content-type', 'application/json']], requestBody: body, responseHeaders: [['content-type', 'application/json']], responseBody: body });
    for (const tab of ['request', 'response'] as const) {
      const lines = detailLines(e, tab);
      expect(lines.length).toBeGreaterThan(elements);
      expect(lines.filter((l) => l.map((s) => s.text).join('') === '  0,')).toHaveLength(elements - 1);
    }
  });

  it('prints only the first part of a JSON body nested deep, whose pretty form is hundreds of times its size', () => {
    // Arrays 100 deep, repeated up to the view limit: every line inside one is indented up to 200 spaces, so 256 KB
    // pretty-prints to ~26 million characters (a sender nesting 1,500 deep froze listen for 13 s at 1.6 GB).
    const nest = `${'['.repeat(100)}${']'.repeat(100)}`;
    const body = Buffer.from(`[${new Array(Math.floor(BODY_VIEW_LIMIT / (nest.length + 1)) - 1).fill(nest).join(',')}]`);
    const e = makeExchange(9, { requestHeaders: [['content-type', 'application/json']], requestBody: body });
    const lines = detailLines(e, 'request').map((l) => l.map((s) => s.text).join(''));
    expect(lines.find((l) => l.startsWith('body:'))).toBe(
      `body: ${body.length.toLocaleString('en-US')} bytes, application/json (pretty-printed in part: the first ${PRETTY_VIEW_LIMIT.toLocaleString('en-US')} characters)`,
    );
    expect(lines.join('\n').length).toBeLessThan(PRETTY_VIEW_LIMIT + 10_000);
    const bodyStart = lines.findIndex((l) => l.startsWith('body:')) + 1;
    expect(lines.slice(bodyStart, bodyStart + 3)).toEqual(['[', '  [', '    [']);
    // Where it stops is marked.
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('inflates only as much of a gzip body as the pane shows, so a bomb past the 64 MiB bound still shows its beginning', () => {
    // Inflating a bomb to the bound took a fifth of a second of listen's thread at each look; past it, the pane showed
    // the compressed bytes in hex.
    const bomb = gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1, 'a'));
    const e = makeExchange(9, { requestHeaders: [['content-type', 'text/plain'], ['content-encoding', 'gzip']], requestBody: bomb });
    const lines = detailLines(e, 'request').map((l) => l.map((s) => s.text).join(''));
    const title = lines.find((l) => l.startsWith('body:'))!;
    const shown = Number(/first ([\d,]+) shown/.exec(title)?.[1].replace(/,/g, ''));
    expect(title).toBe(`body: ${bomb.length.toLocaleString('en-US')} bytes gzip → over 262,144 bytes (first ${shown.toLocaleString('en-US')} shown), text/plain`);
    expect(shown).toBeGreaterThan(BODY_VIEW_LIMIT - 4096);
    expect(shown).toBeLessThanOrEqual(BODY_VIEW_LIMIT);
    expect(lines).toContain('a'.repeat(shown));
  });

  it('gives a very large binary body its whole size, without claiming a part of it is shown (only hex bytes are)', () => {
    const e = makeExchange(9, { requestHeaders: [['content-type', 'application/octet-stream']], requestBody: Buffer.alloc(300_000, 0xff) });
    const [title] = detailLines(e, 'request').filter((l) => l[0]?.text.startsWith('body:'));
    expect(title[0].text).toBe('body: 300,000 bytes, application/octet-stream, binary');
  });

  it('wraps long header values to the width instead of hiding them', () => {
    const e = makeExchange(10, { requestHeaders: [['x-long', 'v'.repeat(150)]] });
    const frame = frameOf(e, 'request', { width: 60 });
    expect(frame).toContain(`x-long: ${'v'.repeat(52)}\n${'v'.repeat(60)}\n${'v'.repeat(38)}`);
  });

  it('shows the webhook section under the request line: provider, event, id, a valid signature', () => {
    const e = makeExchange(11, { path: '/webhooks/stripe', webhook: makeWebhook({ eventId: 'evt_1Q2w3E' }) });
    const lines = frameOf(e).split('\n');
    const at = lines.findIndex((l) => l.startsWith('#11  received'));
    expect(lines.slice(at + 1, at + 3)).toEqual(['webhook    stripe payment_intent.succeeded  id evt_1Q2w3E', 'signature  ✓ valid']);
    expect(frameOf(e, 'response')).not.toContain('webhook');
  });

  it('gives the full reason for an invalid or unchecked signature, wrapped rather than cut', () => {
    const reason = `signature mismatch: no v1 signature in the Stripe-Signature header matches the body signed with the configured secret ${'x'.repeat(40)}`;
    const invalid = makeExchange(12, { webhook: makeWebhook({ verification: 'invalid', reason }) });
    const frame = frameOf(invalid, 'request', { width: 80 });
    expect(frame.replace(/\n/g, '')).toContain(`signature  ✗ invalid: ${reason}`);
    const unchecked = makeExchange(13, { webhook: makeWebhook({ verification: 'unchecked', reason: 'no secret configured for stripe' }) });
    // With how to give it: listen's --secret or the variable.
    expect(frameOf(unchecked, 'request', { width: 80 }).replace(/\n/g, '')).toContain(
      'signature  not checked: no secret configured for stripe (set --secret stripe=… or HOOKTUNNEL_SECRET_STRIPE)',
    );
    const unknown = makeExchange(14, {
      webhook: makeWebhook({ provider: null, eventType: null, eventId: null, verification: 'unchecked', reason: 'no known webhook provider recognised' }),
    });
    expect(frameOf(unknown)).toContain('webhook    no known provider\nsignature  not checked: no known webhook provider recognised');
  });

  it("says when the app's answer to Slack's url_verification does not echo the challenge, as show does", () => {
    const verification = (responseBody: string) =>
      makeExchange(18, {
        requestBody: Buffer.from('{"token":"t","challenge":"c4llenge","type":"url_verification"}'),
        responseBody: Buffer.from(responseBody),
        webhook: makeWebhook({ provider: 'slack', eventType: 'url_verification', eventId: null }),
      });
    const problem = 'the answer does not echo the challenge, so Slack would not take the Request URL';
    expect(frameOf(verification('ok'), 'request', { width: 200 })).toContain(`signature  ✓ valid\n${problem}`);
    expect(frameOf(verification('c4llenge'), 'request', { width: 200 })).not.toContain(problem);
  });

  it('says when a delivery is a duplicate or arrived out of order', () => {
    const e = makeExchange(15, { webhook: makeWebhook({ duplicateOf: 3, outOfOrder: true }) });
    expect(frameOf(e).replace(/\n/g, '')).toContain(
      'delivery   duplicate of #3 (the same event id was delivered before) · out of order (a later event of the same shop, object or type arrived first)',
    );
    expect(frameOf(makeExchange(16, { webhook: makeWebhook() }))).not.toContain('delivery ');
    expect(frameOf(makeExchange(17))).not.toContain('signature');
  });

  it('says why the provider sent a duplicate again, where its headers said', () => {
    const e = makeExchange(20, { webhook: makeWebhook({ provider: 'slack', duplicateOf: 3, retry: 'retry 2: http_error' }) });
    expect(frameOf(e).replace(/\n/g, '')).toContain('delivery   duplicate of #3 (the same event id was delivered before) · retry 2: http_error');
  });

  it('says how late a queued delivery arrived, webhook or not', () => {
    expect(frameOf(makeExchange(18, { lateByMs: 5200 }))).toContain("delivery   delivered late by 5.2s (it waited in the relay's queue)");
    const both = frameOf(makeExchange(19, { lateByMs: 5200, webhook: makeWebhook({ duplicateOf: 2 }) })).replace(/\n/g, '');
    expect(both).toContain("delivery   duplicate of #2 (the same event id was delivered before) · delivered late by 5.2s (it waited in the relay's queue)");
  });

  it('says where automatic attempts stand: the next one, or that they gave up, not just the 502', () => {
    const nextAttemptAt = Date.now() + 60_000;
    const failed = { status: 502, state: 'failed' as const, errorCode: 'local_unreachable', errorMessage: 'cannot reach the app' };
    const waiting = frameOf(makeExchange(22, { ...failed, attempts: 1, maxAttempts: 8, nextAttemptAt, sender: { reason: 'ack', status: 200 } }));
    expect(waiting.replace(/\n/g, '')).toContain(`delivery   sender got 200 (acknowledge mode) · attempt 1/8 · next attempt at ${formatTime(nextAttemptAt)}`);
    const overdue = frameOf(makeExchange(23, { ...failed, attempts: 2, maxAttempts: 8, nextAttemptAt: Date.now() - 1000 }));
    expect(overdue.replace(/\n/g, '')).toContain('delivery   attempt 2/8 · next attempt due: a listen to http://localhost:3000 sends it');
    const gaveUp = frameOf(makeExchange(24, { ...failed, attempts: 8, maxAttempts: 8 }));
    expect(gaveUp.replace(/\n/g, '')).toContain('delivery   attempt 8/8 · gave up: every attempt failed (R, or `hooktunnel retry 24`, sends it again)');
    // The response tab, where a failure is looked into, says it under the outcome.
    expect(frameOf(makeExchange(26, { ...failed, attempts: 1, maxAttempts: 8, nextAttemptAt }), 'response')).toContain(
      `502!  12ms  local_unreachable: cannot reach the app\ndelivery   attempt 1/8 · next attempt at ${formatTime(nextAttemptAt)}\n`,
    );
    // One that worked at the first try has nothing to say.
    expect(frameOf(makeExchange(25, { attempts: 1, maxAttempts: 8 }))).not.toContain('delivery ');
  });

  it('says when a retried delivery reached the app after one received later', () => {
    const frame = frameOf(makeExchange(20, { deliveredAfter: 21 })).replace(/\n/g, '');
    expect(frame).toContain('delivery   delivered after #21, which was received later (this one was being retried)');
  });
});
