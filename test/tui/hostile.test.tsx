// Hostile bytes from the network must reach the terminal as visible escapes, in the list, the header and the detail.

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/tui/App.js';
import { FakeModel, makeExchange, makeWebhook } from './fake-model.js';
import { waitForFrame } from './wait-for.js';

const TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J';
const BIDI = '\u202e';
const HOSTILE = `${TITLE}${CLEAR}${BIDI}`;
/** How sanitize() shows those three. */
const VISIBLE = ['\\e]0;pwned\\x07', '\\e[2J', '\\u{202e}'];

/** The frame minus the colour codes Ink itself may add (SGR only), so any ESC left came from data. */
const withoutColour = (frame: string) => frame.replace(/\x1b\[[0-9;]*m/g, '');

function expectSafe(frame: string) {
  const plain = withoutColour(frame);
  expect(plain).not.toContain('\x1b');
  expect(plain).not.toContain('\x07');
  expect(plain).not.toContain(BIDI);
}

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

describe('hostile network data', () => {
  const setup = (model: FakeModel) => {
    const ui = render(<App model={model} onCopy={() => {}} onOpen={() => {}} frameMs={5} size={{ columns: 140, rows: 40 }} />);
    unmount = ui.unmount;
    return { ...ui, frame: () => ui.lastFrame() ?? '' };
  };

  it('escapes a percent-encoded path, a header value and a text body in the request detail', async () => {
    const model = new FakeModel().seed([
      makeExchange(1, {
        path: `/hook/${encodeURIComponent(HOSTILE)}?q=${encodeURIComponent(BIDI)}`,
        requestHeaders: [
          ['content-type', 'text/plain'],
          ['x-evil', HOSTILE],
        ],
        requestBody: Buffer.from(`before ${HOSTILE} after`),
      }),
    ]);
    const ui = setup(model);
    await waitForFrame(ui.lastFrame, 'x-evil');
    const frame = ui.frame();
    expectSafe(frame);
    // The decoded path, the header value and the body each show all three escapes.
    const decodedLine = frame.split('\n').find((l) => l.startsWith('decoded ')) ?? '';
    const headerLine = frame.split('\n').find((l) => l.startsWith('x-evil: ')) ?? '';
    const bodyLine = frame.split('\n').find((l) => l.startsWith('before ')) ?? '';
    for (const visible of VISIBLE) {
      expect(decodedLine).toContain(visible);
      expect(headerLine).toContain(visible);
      expect(bodyLine).toContain(visible);
    }
    expect(frame).toContain('q = \\u{202e}');
  });

  it('escapes raw control bytes in the list row, a JSON body, a form body and the response', async () => {
    const model = new FakeModel().seed([
      makeExchange(2, {
        path: `/raw${HOSTILE}`,
        requestHeaders: [['content-type', 'application/x-www-form-urlencoded']],
        requestBody: Buffer.from(`field=${encodeURIComponent(HOSTILE)}&${encodeURIComponent(CLEAR)}=key`),
        responseHeaders: [
          ['content-type', 'application/json'],
          [`x-${HOSTILE}`, HOSTILE],
        ],
        responseBody: Buffer.from(JSON.stringify({ message: `${BIDI}gnp.exe`, html: HOSTILE })),
      }),
    ]);
    const ui = setup(model);
    await waitForFrame(ui.lastFrame, '#2');
    const row = ui.frame().split('\n').find((l) => l.includes('#2') && l.includes('/raw')) ?? '';
    expect(row).toContain('/raw\\e]0;pwned\\x07\\e[2J\\u{202e}');
    expect(ui.frame()).toContain('field = \\e]0;pwned\\x07\\e[2J\\u{202e}');
    expect(ui.frame()).toContain('\\e[2J = key');
    expectSafe(ui.frame());
    ui.stdin.write('\t');
    await waitForFrame(ui.lastFrame, '"message"');
    const frame = ui.frame();
    expectSafe(frame);
    expect(frame).toContain('"message": "\\u{202e}gnp.exe"');
    // JSON.stringify already writes ESC and BEL as \u escapes inside the string; they stay visible text.
    expect(frame).toContain('"html": "\\u001b]0;pwned\\u0007\\u001b[2J\\u{202e}"');
    expect(frame).toContain('x-\\e]0;pwned\\x07\\e[2J\\u{202e}: \\e]0;pwned\\x07');
  });

  it('escapes the webhook facts taken from the body: provider event type, event id and the reason', async () => {
    const model = new FakeModel().seed([
      makeExchange(3, {
        webhook: makeWebhook({ eventType: `evt${HOSTILE}`, eventId: `id${HOSTILE}`, verification: 'invalid', reason: `bad ${HOSTILE}` }),
      }),
    ]);
    const ui = setup(model);
    await waitForFrame(ui.lastFrame, 'signature');
    const frame = ui.frame();
    expectSafe(frame);
    const row = frame.split('\n').find((l) => l.includes('#3')) ?? '';
    expect(row).toContain('stripe evt\\e]0;pwned\\x07');
    expect(frame).toContain('id id\\e]0;pwned\\x07\\e[2J\\u{202e}');
    expect(frame).toContain('✗ invalid: bad \\e]0;pwned\\x07\\e[2J\\u{202e}');
  });

  it('escapes what the relay reports: the URL, a connection error and the note', async () => {
    const model = new FakeModel();
    model.setInfo({ url: `https://relay.example/t/${HOSTILE}`, connection: { state: 'offline', attempt: 3, error: HOSTILE }, note: HOSTILE });
    const ui = setup(model);
    await waitForFrame(ui.lastFrame, 'offline');
    expectSafe(ui.frame());
    expect(ui.frame()).toContain('https://relay.example/t/\\e]0;pwned\\x07');
    expect(ui.frame()).toContain('offline: \\e]0;pwned\\x07');
  });
});
