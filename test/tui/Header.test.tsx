// The header: URL and target, connection state in each phase, counts, database path; inspect's variant.

import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Header } from '../../src/tui/Header.js';
import type { HeaderInfo } from '../../src/tui/model.js';

const base: HeaderInfo = {
  mode: 'listen',
  url: 'http://127.0.0.1:4747/t/3000',
  target: 'http://localhost:3000',
  dbPath: '/home/me/.local/share/hooktunnel/hooktunnel.db',
  connection: { state: 'online', attempt: 0 },
  requests: 12,
  failures: 1,
  storeErrors: 0,
};

const frameOf = (info: HeaderInfo) => {
  const ui = render(<Header info={info} />);
  const frame = ui.lastFrame() ?? '';
  ui.unmount();
  return frame;
};

describe('Header', () => {
  it('shows URL, target, state, counts and the database', () => {
    expect(frameOf(base)).toBe(
      'hooktunnel http://127.0.0.1:4747/t/3000 → http://localhost:3000  ● online\n' +
        'this session: 12 requests · 1 failed · db /home/me/.local/share/hooktunnel/hooktunnel.db',
    );
  });

  it('shows pending retries and, loudly, exchanges dropped while the store was full', () => {
    const frame = frameOf({ ...base, pendingRetries: 3, dropped: 2 });
    expect(frame).toContain('3 retries pending');
    expect(frame).toContain('2 DROPPED (store full or locked)');
    expect(frameOf({ ...base, pendingRetries: 1 })).toContain('1 retry pending');
  });

  it.each([
    [{ state: 'connecting', attempt: 0 }, '○ connecting'],
    [{ state: 'reconnecting', attempt: 4 }, '○ reconnecting (attempt 4)'],
    [
      { state: 'reconnecting', attempt: 3, error: 'could not connect to relay http://127.0.0.1:9 (connection refused)' },
      '○ reconnecting (attempt 3): could not connect to relay http://127.0.0.1:9 (connection refused)',
    ],
    [{ state: 'offline', attempt: 0, error: 'relay refused the token' }, '✕ offline: relay refused the token'],
  ] as const)('shows %o as %s', (connection, text) => {
    expect(frameOf({ ...base, connection })).toContain(text);
  });

  it('cuts a long URL, not the connection state, when the line is too wide', () => {
    const url = 'https://hooks.example.com/t/ix62ktdr5qesr';
    const connection = { state: 'reconnecting', attempt: 12 } as const;
    const ui = render(
      <Box width={80}>
        <Header info={{ ...base, url, target: 'http://localhost:3000/webhooks/receiver', connection }} />
      </Box>,
    );
    const first = (ui.lastFrame() ?? '').split('\n')[0];
    ui.unmount();
    expect(first).toBe('hooktunnel https://hooks.example.com/t/ix62ktdr5qe…  ○ reconnecting (attempt 12)');
  });

  it('says it is waiting before the relay confirms, and counts unrecorded exchanges and a note', () => {
    const frame = frameOf({ ...base, url: null, storeErrors: 2, dbPath: '/tmp/h.db', note: 'embedded relay: local only' });
    expect(frame).toContain('hooktunnel waiting for the relay… → http://localhost:3000');
    expect(frame).toContain('· 2 not recorded · db ');
    expect(frame).toContain('· db /tmp/h.db · embedded relay: local only');
  });

  it('shows the replay target instead of a URL for inspect', () => {
    const frame = frameOf({ ...base, mode: 'inspect', url: null, connection: null, target: 'original target' });
    expect(frame.split('\n')[0]).toBe('hooktunnel recorded history · replays → original target  no tunnel');
    // The counts are this session's replays, not the history's exchanges: "0 requests" over a full database misled.
    expect(frame.split('\n')[1]).toBe('this session: 12 replays · 1 failed · db /home/me/.local/share/hooktunnel/hooktunnel.db');
  });

  it("says its counts are this session's, not the list's: inspect over a history with failed rows said \"0 failed\"", () => {
    for (const mode of ['listen', 'inspect'] as const) {
      expect(frameOf({ ...base, mode, requests: 0, failures: 0 }).split('\n')[1]).toMatch(/^this session: 0 (requests|replays) · 0 failed · /);
    }
  });

  it('counts one request, or one replay, in the singular', () => {
    expect(frameOf({ ...base, requests: 1 }).split('\n')[1]).toMatch(/^this session: 1 request · 1 failed · /);
    expect(frameOf({ ...base, mode: 'inspect', url: null, requests: 1, failures: 0 }).split('\n')[1]).toMatch(/^this session: 1 replay · 0 failed · /);
  });
});
