// The whole inspector against a fake model: rows arrive live, selection, scrolling, pause, filter and the action keys.

import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/tui/App.js';
import type { Suspend } from '../../src/tui/model.js';
import { FakeModel, makeExchange, makeWebhook } from './fake-model.js';
import { waitFor, waitForFrame, waitForNoFrame } from './wait-for.js';

const KEY = { up: '\x1b[A', down: '\x1b[B', enter: '\r', tab: '\t', escape: '\x1b', backspace: '\x7f', pageDown: '\x1b[6~' };

function setup(model: FakeModel, size = { columns: 100, rows: 30 }) {
  const onCopy = vi.fn();
  const onOpen = vi.fn();
  const onQuit = vi.fn();
  // Stands in for run-tui's terminal hand-over: counts the times the editor ran inside it.
  const suspended = { count: 0 };
  const onSuspend: Suspend = (run) => {
    suspended.count++;
    return run();
  };
  const ui = render(<App model={model} onCopy={onCopy} onOpen={onOpen} onSuspend={onSuspend} onQuit={onQuit} frameMs={5} size={size} />);
  const frame = () => ui.lastFrame() ?? '';
  /** The list line for an exchange path (the selected one starts with ›). */
  const rowOf = (path: string) => frame().split('\n').find((l) => l.includes(path) && /#\d+/.test(l)) ?? '';
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      ui.stdin.write(key);
      // Ink reads stdin on the next tick; give each key its own turn so sequences are not merged.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { ...ui, frame, rowOf, press, onCopy, onOpen, suspended, onQuit };
}

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

describe('App', () => {
  it('shows the header and rows as exchanges arrive, newest on top', async () => {
    const model = new FakeModel();
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'waiting for webhooks at https://relay.example/t/abc');
    expect(ui.frame()).toContain('● online');
    model.push(makeExchange(1, { path: '/stripe' }));
    await waitForFrame(ui.lastFrame, '/stripe');
    model.push(makeExchange(2, { path: '/github', status: 503 }));
    await waitForFrame(ui.lastFrame, '/github');
    const lines = ui.frame().split('\n');
    expect(lines.findIndex((l) => l.includes('/github'))).toBeLessThan(lines.findIndex((l) => l.includes('/stripe')));
    expect(ui.rowOf('/github')).toMatch(/^› \d\d:\d\d:\d\d POST\s+\/github\s+503\s+12ms\s+8 B\s+#2$/);
    await waitForFrame(ui.lastFrame, '2 requests');
  });

  it('says under "waiting for webhooks" that only this machine reaches an embedded relay\'s URL, which the header may cut', async () => {
    const model = new FakeModel();
    model.setInfo({ url: 'http://127.0.0.1:4747/t/3000', localOnly: true, note: `web inspector http://127.0.0.1:4040/?k=${'k'.repeat(200)}` });
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'waiting for webhooks at http://127.0.0.1:4747/t/3000');
    const lines = ui.frame().split('\n');
    const waiting = lines.findIndex((l) => l.includes('waiting for webhooks'));
    expect(lines.slice(waiting + 1, waiting + 3)).toEqual([
      '  only this machine can reach this URL (embedded relay); for GitHub or Stripe',
      '  to reach you, self-host a relay: README "Self-host the relay"',
    ]);
    // Gone once the first exchange arrives: the list takes its place.
    model.push(makeExchange(1, { path: '/stripe' }));
    await waitForFrame(ui.lastFrame, '/stripe');
    expect(ui.frame()).not.toContain('only this machine can reach');
  });

  it('keeps the selection on the same exchange when new ones arrive, and p resumes following', async () => {
    const model = new FakeModel().seed([1, 2, 3].map((id) => makeExchange(id, { path: `/p${id}` })));
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/p3');
    expect(ui.rowOf('/p3')).toMatch(/^›/);
    await ui.press('j');
    await waitFor(() => ui.rowOf('/p2').startsWith('›'), ui.frame);
    expect(ui.frame()).toContain('paused');
    model.push(makeExchange(4, { path: '/p4' }));
    await waitForFrame(ui.lastFrame, '/p4');
    expect(ui.rowOf('/p2')).toMatch(/^›/);
    expect(ui.rowOf('/p4')).not.toMatch(/^›/);
    await ui.press('p');
    await waitFor(() => ui.rowOf('/p4').startsWith('›'), ui.frame);
    model.push(makeExchange(5, { path: '/p5' }));
    await waitFor(() => ui.rowOf('/p5').startsWith('›'), ui.frame);
    expect(ui.frame()).toContain('following');
  });

  it('scrolls the list and pages older rows in from the store', async () => {
    const model = new FakeModel().seed(Array.from({ length: 150 }, (_, i) => makeExchange(i + 1, { path: `/row-${i + 1}-` })));
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/row-150-');
    expect(model.listCalls).toEqual([{ limit: 100 }]);
    expect(ui.frame()).toContain('1/100+');
    await ui.press(...Array<string>(20).fill(KEY.down));
    await waitFor(() => ui.rowOf('/row-130-').startsWith('›'), ui.frame);
    expect(ui.frame()).not.toContain('/row-150-');
    await ui.press('G');
    await waitFor(() => ui.rowOf('/row-51-').startsWith('›'), ui.frame);
    // Selecting the last loaded row fetched the next page back from the store.
    await waitForFrame(ui.lastFrame, '100/150');
    await ui.press('G');
    await waitFor(() => ui.rowOf('/row-1-').startsWith('›'), ui.frame);
    expect(model.listCalls).toContainEqual({ limit: 100, beforeId: 51 });
    expect(ui.frame()).toContain('150/150');
  });

  it('filters by path, status, id and body text; Esc clears', async () => {
    const model = new FakeModel().seed([
      makeExchange(1, { path: '/stripe', requestBody: Buffer.from('{"type":"invoice.paid"}') }),
      makeExchange(2, { path: '/github', status: 404 }),
      makeExchange(3, { path: '/shopify' }),
    ]);
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/shopify');
    await ui.press('/', 'g', 'i', 't');
    await waitForNoFrame(ui.lastFrame, '/shopify');
    expect(ui.frame()).toContain('/github');
    expect(ui.frame()).toContain('/git▌');
    await ui.press(KEY.backspace, KEY.backspace, KEY.backspace, '4', '0', '4', KEY.enter);
    await waitForFrame(ui.lastFrame, '/404 ');
    expect(ui.rowOf('/github')).toContain('404');
    expect(ui.frame()).not.toContain('/stripe');
    await ui.press(KEY.escape);
    await waitForFrame(ui.lastFrame, '/stripe');
    await ui.press('/', ...'invoice.PAID', KEY.enter);
    // Only the body holds it: the row joins the list once the body search has read it.
    await waitFor(() => ui.rowOf('/stripe') !== '' && !ui.frame().includes('searching…'), ui.frame);
    expect(ui.rowOf('/stripe')).toMatch(/^›/);
    expect(ui.frame()).not.toContain('/github');
    expect(ui.frame()).not.toContain('/shopify');
    await ui.press('/', KEY.escape);
    await waitForFrame(ui.lastFrame, '/shopify');
  });

  it('searches bodies without holding the event loop, showing "searching…" until it is done', async () => {
    // A window of large bodies, none holding the word: reading them all takes far longer than a webhook should wait.
    const big = Buffer.alloc(256 * 1024, 'lorem ipsum ');
    const model = new FakeModel().seed(Array.from({ length: 100 }, (_, i) => makeExchange(i + 1, { path: `/big${i + 1}`, requestBody: big })));
    let reads = 0;
    const get = model.get.bind(model);
    model.get = (id) => {
      reads++;
      return get(id);
    };
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/big100');
    await ui.press('/');
    reads = 0;
    ui.stdin.write('refund');
    // Work that was waiting when the keys arrived (a webhook's I/O) gets its turn long before the search is over.
    const readsBeforeOtherWork = await new Promise<number>((resolve) => setImmediate(() => resolve(reads)));
    expect(readsBeforeOtherWork).toBeLessThan(100);
    await waitForFrame(ui.lastFrame, 'nothing loaded matches "refund"');
    expect(reads).toBeGreaterThanOrEqual(100);
    expect(ui.frames.some((f) => /\/refund▌  searching…/.test(f) && f.includes('searching the loaded rows\' bodies for "refund"…'))).toBe(true);
    expect(ui.frame()).not.toContain('searching…');
  });

  it('a key typed while bodies are searched cancels that search: only the newest query is looked for', async () => {
    const big = Buffer.alloc(256 * 1024, 'lorem ipsum ');
    const model = new FakeModel().seed(Array.from({ length: 100 }, (_, i) => makeExchange(i + 1, { path: `/big${i + 1}`, requestBody: big })));
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/big100');
    await ui.press('/');
    // Each search reads the newest row first: where #100 comes again, the next search began.
    const read: number[] = [];
    const get = model.get.bind(model);
    model.get = (id) => {
      read.push(id);
      return get(id);
    };
    ui.stdin.write('x');
    await waitFor(() => read.length > 0, ui.frame);
    ui.stdin.write('y');
    await waitFor(() => read.lastIndexOf(100) > 0, () => `${read}`);
    await waitForFrame(ui.lastFrame, 'nothing loaded matches "xy"');
    const newest = read.lastIndexOf(100);
    // The search for "x" stopped where it was; the one for "xy" read every body once.
    expect(newest).toBeLessThan(100);
    expect(read.slice(newest)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
  });

  it('filters by provider, event type, status class, signature and failed, combined with text', async () => {
    const model = new FakeModel().seed([
      makeExchange(1, { path: '/s1', webhook: makeWebhook({ eventType: 'invoice.paid', eventId: 'evt_abc' }) }),
      makeExchange(2, { path: '/s2', status: 500, webhook: makeWebhook({ eventType: 'charge.refunded' }) }),
      makeExchange(3, { path: '/g3', webhook: makeWebhook({ provider: 'github', eventType: 'push', verification: 'invalid', reason: 'bad' }) }),
      makeExchange(4, { path: '/plain4', status: 404 }),
    ]);
    const ui = setup(model, { columns: 120, rows: 30 });
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/plain4');
    const shown = () => ['/s1', '/s2', '/g3', '/plain4'].filter((p) => ui.rowOf(p) !== '');
    const filterBy = async (text: string, ids: string[]) => {
      await ui.press(KEY.escape, '/', ...text, KEY.enter);
      await waitFor(() => JSON.stringify(shown()) === JSON.stringify(ids), () => `${text}: ${ui.frame()}`);
    };
    await filterBy('provider:stripe', ['/s1', '/s2']);
    await filterBy('event:push', ['/g3']);
    await filterBy('status:5xx', ['/s2']);
    await filterBy('status:404', ['/plain4']);
    await filterBy('sig:invalid', ['/g3']);
    await filterBy('failed', ['/s2', '/g3']);
    await filterBy('provider:stripe invoice', ['/s1']);
    await filterBy('evt_abc', ['/s1']);
    await ui.press(KEY.escape);
    await waitFor(() => shown().length === 4, ui.frame);
  });

  it('e edits the selected body with the UI suspended, then shows the replay as a linked row', async () => {
    const model = new FakeModel().seed([
      makeExchange(1, { path: '/first' }),
      makeExchange(2, { path: '/second', webhook: makeWebhook() }),
    ]);
    model.edit = () => Buffer.from('{"edited":true}');
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/first');
    await ui.press('j', 'e');
    await waitFor(() => model.editReplays.length === 1, ui.frame);
    expect(model.editReplays).toEqual([1]);
    expect(ui.suspended.count).toBe(1);
    await waitForFrame(ui.lastFrame, '#3 ↻#1');
    await waitForFrame(ui.lastFrame, '#1 replayed edited as #3: 201');
    expect(model.get(3)?.requestBody.toString()).toBe('{"edited":true}');
    // A webhook the model could not re-sign says so; saved unchanged, it says that too.
    model.edit = (body) => body;
    model.resign = { resigned: false, reason: 'no secret configured for stripe' };
    await ui.press('G', 'k', 'e');
    await waitForFrame(ui.lastFrame, '#2 replayed unchanged as #4: 201 · not re-signed: no secret configured for stripe');
    expect(model.editReplays).toEqual([1, 2]);
  });

  it('acts on the row that keys typed ahead reached: "jje" in one read edits the third row', async () => {
    const model = new FakeModel().seed([1, 2, 3].map((id) => makeExchange(id, { path: `/t${id}` })));
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/t3');
    ui.stdin.write('jje');
    await waitFor(() => model.editReplays.length === 1, ui.frame);
    expect(model.editReplays).toEqual([1]);
    ui.stdin.write('kr');
    await waitFor(() => model.replays.length === 1, ui.frame);
    expect(model.replays).toEqual([2]);
  });

  it('e reports an editor that failed, and replays nothing', async () => {
    const model = new FakeModel().seed([makeExchange(1, { path: '/only' })]);
    model.edit = () => {
      throw new Error('the editor "false" did not finish successfully (exit 1)');
    };
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/only');
    await ui.press('e');
    await waitForFrame(ui.lastFrame, '#1 not replayed: the editor "false" did not finish successfully (exit 1)');
    expect(model.exchanges.size).toBe(1);
  });

  it('takes keys that arrive together in one read one by one', async () => {
    const model = new FakeModel().seed([
      makeExchange(1, { path: '/stripe' }),
      makeExchange(2, { path: '/github' }),
      makeExchange(3, { path: '/shopify' }),
    ]);
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/shopify');
    ui.stdin.write('jj');
    await waitFor(() => ui.rowOf('/stripe').startsWith('›'), ui.frame);
    ui.stdin.write('/git\r');
    await waitForNoFrame(ui.lastFrame, '/shopify');
    expect(ui.frame()).toContain('/git  ');
    expect(ui.frame()).not.toContain('▌');
  });

  it('r replays the selected exchange and the replay appears as a linked row', async () => {
    const model = new FakeModel().seed([makeExchange(1, { path: '/once' })]);
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/once');
    await ui.press('r');
    await waitFor(() => model.replays.length === 1, ui.frame);
    expect(model.replays).toEqual([1]);
    await waitForFrame(ui.lastFrame, '#2 ↻#1');
    await waitForFrame(ui.lastFrame, '#1 replayed as #2: 201');
  });

  it('r of a delivery whose signature is past its window says that e, saved unchanged, re-signs it', async () => {
    const model = new FakeModel().seed([makeExchange(1, { path: '/stripe' })]);
    const reason = 'timestamp 601 s old, outside the 300 s tolerance';
    model.replayWebhook = { provider: 'stripe', eventType: 'invoice.paid', eventId: 'evt_1', verification: 'invalid', reason, problem: 'too_old', duplicateOf: null, outOfOrder: false };
    const ui = setup(model, { columns: 200, rows: 30 });
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '/stripe');
    await ui.press('r');
    await waitForFrame(ui.lastFrame, "#1 replayed as #2: 201 · its signature is past the provider's window: e, saved unchanged, replays it re-signed");
  });

  it('Enter focuses the detail, Tab switches to the response, j scrolls it', async () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, i])));
    const model = new FakeModel().seed([makeExchange(1, { responseBody: Buffer.from(body), responseHeaders: [['content-type', 'application/json']] })]);
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'content-type: application/json');
    await ui.press(KEY.enter, KEY.tab);
    await waitForFrame(ui.lastFrame, '"key0": 0');
    expect(ui.frame()).toContain('▸');
    await ui.press(...Array<string>(10).fill('j'));
    await waitForNoFrame(ui.lastFrame, '"key0": 0');
    expect(ui.frame()).toMatch(/lines 11-\d+ of \d+/);
    await ui.press(KEY.escape, KEY.tab);
    await waitForFrame(ui.lastFrame, 'POST /hooks/1');
  });

  it("the footer says what the keys do where they go: the list's keys, the detail pane's, Esc only with a filter to clear", async () => {
    const model = new FakeModel().seed([makeExchange(1, { path: '/stripe' }), makeExchange(2, { path: '/github' })]);
    const ui = setup(model, { columns: 300, rows: 30 });
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '↑↓/jk move');
    expect(ui.frame()).not.toContain('Esc');
    await ui.press(KEY.enter);
    await waitForFrame(ui.lastFrame, '↑↓/jk scroll  Enter list');
    expect(ui.frame()).toContain('Esc back');
    await ui.press(KEY.escape, '/', ...'git', KEY.enter);
    await waitForFrame(ui.lastFrame, 'Esc clear filter');
    expect(ui.frame()).toContain('↑↓/jk move');
    await ui.press(KEY.escape);
    await waitForFrame(ui.lastFrame, '/stripe');
    expect(ui.frame()).not.toContain('Esc');
  });

  it('opens the detail at the top again after another exchange was selected in between', async () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, i])));
    const long = { responseBody: Buffer.from(body), responseHeaders: [['content-type', 'application/json']] as [string, string][] };
    const model = new FakeModel().seed([makeExchange(1, long), makeExchange(2, long)]);
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'content-type: application/json');
    await ui.press(KEY.enter, KEY.tab);
    await waitForFrame(ui.lastFrame, '"key0": 0');
    await ui.press(...Array<string>(10).fill('j'));
    await waitForNoFrame(ui.lastFrame, '"key0": 0');
    // Back to the list, down to the other exchange and up again.
    await ui.press(KEY.escape, 'j');
    await waitForFrame(ui.lastFrame, '"key0": 0');
    await ui.press('k');
    await waitFor(() => ui.rowOf('/hooks/2').startsWith('›'), ui.frame);
    await waitForFrame(ui.lastFrame, '"key0": 0');
    expect(ui.frame()).not.toMatch(/lines 11-/);
  });

  it('c copies a curl command, o opens the public URL, q quits', async () => {
    const model = new FakeModel().seed([makeExchange(1, { path: "/it's" })]);
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, "/it's");
    await ui.press('c');
    await waitFor(() => ui.onCopy.mock.calls.length === 1, ui.frame);
    const command = ui.onCopy.mock.calls[0][0] as string;
    expect(command).toMatch(/^curl -X '?POST'? /);
    expect(command).toContain(`'http://localhost:3000/it'\\''s'`);
    expect(command).toContain(`--data-binary '{"id":1}'`);
    await waitForFrame(ui.lastFrame, 'copied #1 as curl');
    await ui.press('o');
    await waitFor(() => ui.onOpen.mock.calls.length === 1, ui.frame);
    expect(ui.onOpen).toHaveBeenCalledWith('https://relay.example/t/abc');
    await ui.press('q');
    await waitFor(() => ui.onQuit.mock.calls.length === 1, ui.frame);
  });

  it('o opens only an http(s) address: a relay that says file:// gets a message, not the system opener', async () => {
    const model = new FakeModel();
    model.setInfo({ url: 'file:///etc/passwd' });
    const ui = setup(model);
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, 'file:///etc/passwd');
    await ui.press('o');
    await waitForFrame(ui.lastFrame, 'not opened: file:///etc/passwd is not an http(s) address');
    expect(ui.onOpen).not.toHaveBeenCalled();
  });

  it('reflows to a narrow terminal: 80 columns still show method, path, status and id', async () => {
    const model = new FakeModel().seed([makeExchange(7, { path: '/a/rather/long/path/that/will/not/fit/in/eighty/columns/at/all' })]);
    const ui = setup(model, { columns: 80, rows: 24 });
    unmount = ui.unmount;
    await waitForFrame(ui.lastFrame, '#7');
    const row = ui.rowOf('/a/rather');
    expect(row).toMatch(/POST\s+\/a\/rather.*…\s+200\s+12ms\s+\d+ B\s+#7/);
    for (const line of ui.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(ui.frame()).toContain('q quit');
  });
});
