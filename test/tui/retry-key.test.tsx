// R in the inspector: another attempt of a failed delivery, as `hooktunnel retry` makes: the same row gets the app's
// answer (no new row for a pending automatic retry to double), and a success is not sent again. A real store, a real
// app on loopback, the real StoreModel under the App.

import { render } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { App } from '../../src/tui/App.js';
import { StoreModel } from '../../src/tui/store-model.js';
import { homeWithApp, record, type Recorded } from '../cli/recorded.js';
import { waitForFrame } from './wait-for.js';

let done: (() => void) | undefined;
afterEach(() => done?.());

/** `inspect` over these recorded exchanges, all for one real app. */
async function inspectorOver(recorded: Omit<Recorded, 'target'>[]) {
  const { db, app } = await homeWithApp();
  const ids = record(db, recorded.map((r) => ({ ...r, target: app.url })));
  const store = Store.open(db);
  const model = new StoreModel({ store, timeoutMs: 5000, info: { mode: 'inspect', url: null, target: 'original target', dbPath: db, connection: null } });
  const ui = render(<App model={model} onCopy={() => {}} onOpen={() => {}} frameMs={5} size={{ columns: 120, rows: 30 }} />);
  done = () => {
    ui.unmount();
    model.close();
    store.close();
  };
  return { ui, ids, store, app };
}

it('R sends a failed delivery to its app again as another attempt of the same row', async () => {
  const { ui, ids, store, app } = await inspectorOver([{ path: '/down' }]);
  await waitForFrame(ui.lastFrame, /\/down\s+502!/);
  ui.stdin.write('R');
  await waitForFrame(ui.lastFrame, `#${ids[0]} retried, attempt 2: 200`);
  await waitForFrame(ui.lastFrame, /\/down\s+200 /);
  expect(app.received.map((r) => r.url)).toEqual(['/down']);
  // The same exchange, now answered: no new row.
  expect(store.list({ limit: 10 }).map((e) => [e.id, e.status, e.attempts])).toEqual([[ids[0], 200, 2]]);
  expect(ui.lastFrame()).not.toContain('↻');
});

it('R on a delivery that succeeded sends nothing and points at r', async () => {
  const { ui, ids, app } = await inspectorOver([{ path: '/fine', status: 200 }]);
  await waitForFrame(ui.lastFrame, /\/fine\s+200 /);
  ui.stdin.write('R');
  await waitForFrame(ui.lastFrame, `#${ids[0]} already succeeded (200); nothing sent: r replays it as a new row`);
  expect(app.received).toEqual([]);
});

it('R says why a delivery cannot be retried, in the command\'s words', async () => {
  const { ui, ids, app } = await inspectorOver([{ path: '/secret', redacted: ['header:authorization'] }]);
  await waitForFrame(ui.lastFrame, /\/secret\s+502!/);
  ui.stdin.write('R');
  await waitForFrame(ui.lastFrame, `#${ids[0]} not retried: exchange #${ids[0]} was stored redacted`);
  expect(app.received).toEqual([]);
});
