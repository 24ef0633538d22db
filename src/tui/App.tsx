// The live inspector: header, exchange list, detail pane, status line and footer, driven by the keyboard.

import { Box, useApp, useInput, type Key } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { sanitize } from '../sanitize.js';
import { DetailPane } from './DetailPane.js';
import type { DetailTab } from './detail-lines.js';
import { ExchangeList } from './ExchangeList.js';
import { FilterBar } from './FilterBar.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { splitKeys } from './key-chunks.js';
import type { Focus } from './keymap.js';
import { computeLayout } from './layout.js';
import type { TuiModel } from './model.js';
import { currentView, INITIAL_NAVIGATION, navigate, type NavigationAction } from './navigation.js';
import { useDetailLines } from './use-detail-lines.js';
import { useExchangeActions, type ActionCallbacks } from './use-exchange-actions.js';
import { useFilteredRows } from './use-filtered-rows.js';
import { useRedrawnSuspend } from './use-redrawn-suspend.js';
import { useRefState } from './use-ref-state.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';
import { useThrottledExchanges } from './use-throttled-exchanges.js';

export interface AppProps extends ActionCallbacks {
  model: TuiModel;
  /** Called once when the user quits (q or Ctrl-C), before Ink exits. */
  onQuit?(): void;
  /** Frame interval for coalescing exchange events (tests use a short one). */
  frameMs?: number;
  /** Fixed size instead of the terminal's (tests). */
  size?: TerminalSize;
}


/**
 * Under "waiting for webhooks" with the embedded relay: the header says it too, but its line is cut at the terminal's
 * width, and a first run is when someone pastes the URL into GitHub's or Stripe's settings.
 */
const LOCAL_ONLY_HINT = 'only this machine can reach this URL (embedded relay); for GitHub or Stripe\nto reach you, self-host a relay: README "Self-host the relay"';

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, value));

/** What the user typed into the filter, minus control characters (a paste may carry them). */
const typed = (input: string) => input.replace(/[\x00-\x1f\x7f-\x9f]/g, '');

/** The whole inspector. Knows the model and a few callbacks, nothing about sessions, sockets or SQL. */
export function App({ model, onCopy, onOpen, onSuspend, onQuit, frameMs, size }: AppProps) {
  const { exit } = useApp();
  const terminal = useTerminalSize();
  const { columns, rows: terminalRows } = size ?? terminal;

  // A reducer whose newest state the key handler can read: in "jje" typed ahead, `e` acts on the row `jj` reached.
  const [nav, setNav, navNow] = useRefState(INITIAL_NAVIGATION);
  const dispatch = (action: NavigationAction) => setNav((prev) => navigate(prev, action));
  const [filter, setFilter] = useState('');
  const [editing, setEditing, editingNow] = useRefState(false);
  const [focus, setFocus, focusNow] = useRefState<Focus>('list');
  const [tab, setTab, tabNow] = useRefState<DetailTab>('request');
  const [detailScroll, setDetailScroll] = useState({ key: '', value: 0 });

  const feed = useThrottledExchanges(model, nav.following ? undefined : nav.selectedId, frameMs);
  const { rows, searching } = useFilteredRows(model, feed.window.rows, filter);
  const actions = useExchangeActions(model, { onCopy, onOpen, onSuspend: useRedrawnSuspend(onSuspend) });
  const layout = computeLayout(terminalRows, focus);
  const view = currentView(nav, rows, layout.listRows);
  const selected = rows[view.selected];
  const lines = useDetailLines(model, layout.detailRows > 0 ? selected : undefined, tab, columns);

  // The scroll belongs to one exchange and tab; another selection starts at the top.
  const scrollKey = `${selected?.id}:${tab}`;
  const maxScroll = Math.max(0, (lines?.length ?? 0) - layout.detailRows);
  const scroll = detailScroll.key === scrollKey ? clamp(detailScroll.value, 0, maxScroll) : 0;
  // Forgotten once another exchange or tab is shown: coming back must not reopen at the old line. Only a scrolled
  // state is reset, so following a stream of new exchanges costs no extra frame.
  useEffect(() => {
    if (detailScroll.key !== scrollKey && detailScroll.value !== 0) setDetailScroll({ key: scrollKey, value: 0 });
  }, [scrollKey, detailScroll]);
  // Functional updates: keys that arrive before the next frame must each count.
  const scrollBy = (delta: number) => {
    const key = `${selected?.id}:${tabNow.current}`;
    setDetailScroll((prev) => ({ key, value: clamp((prev.key === key ? prev.value : 0) + delta, 0, maxScroll) }));
  };
  const scrollTo = (value: number) => setDetailScroll({ key: `${selected?.id}:${tabNow.current}`, value: clamp(value, 0, maxScroll) });

  const { hasOlder, atHead } = feed.window;
  const { loadOlder, loadNewer, toHead } = feed;
  // Near the end of the loaded rows, fetch the next page back; at the top of a window that left the head, the page forward.
  const nearEnd = view.selected >= rows.length - layout.listRows;
  useEffect(() => {
    if (!nav.following && nearEnd && hasOlder) loadOlder();
  }, [nav.following, nearEnd, hasOlder, loadOlder, rows.length]);
  const atTop = view.selected === 0;
  useEffect(() => {
    if (atHead) return;
    if (nav.following) toHead();
    else if (atTop) loadNewer();
  }, [nav.following, atTop, atHead, loadNewer, toHead]);

  const selectedNow = () => rows[currentView(navNow.current, rows, layout.listRows).selected];
  const move = (by: number) => dispatch({ type: 'move', by, rows, height: layout.listRows });
  const follow = (on: boolean) => dispatch({ type: 'follow', on, rows, height: layout.listRows });

  const quit = () => {
    onQuit?.();
    exit();
  };

  const editFilter = (input: string, key: Key) => {
    if (key.escape) {
      setFilter('');
      setEditing(false);
    } else if (key.return) {
      setEditing(false);
    } else if (key.backspace || key.delete) {
      setFilter((f) => f.slice(0, -1));
    } else if (key.ctrl && input === 'u') {
      setFilter('');
    } else if (!key.ctrl && !key.meta) {
      setFilter((f) => f + typed(input));
    }
  };

  const navigateList = (input: string, key: Key) => {
    if (key.upArrow || input === 'k') move(-1);
    else if (key.downArrow || input === 'j') move(1);
    else if (key.pageUp) move(-layout.listRows);
    else if (key.pageDown || input === ' ') move(layout.listRows);
    else if (key.home || input === 'g') follow(true);
    else if (key.end || input === 'G') dispatch({ type: 'last', rows, height: layout.listRows });
  };

  const scrollDetail = (input: string, key: Key) => {
    if (key.upArrow || input === 'k') scrollBy(-1);
    else if (key.downArrow || input === 'j') scrollBy(1);
    else if (key.pageUp) scrollBy(-layout.detailRows);
    else if (key.pageDown || input === ' ') scrollBy(layout.detailRows);
    else if (key.home || input === 'g') scrollTo(0);
    else if (key.end || input === 'G') scrollTo(maxScroll);
  };

  const onKey = (input: string, key: Key) => {
    if (key.ctrl && input === 'c') return quit();
    if (editingNow.current) return editFilter(input, key);
    if (input === 'q') return quit();
    if (input === '/') return setEditing(true);
    if (key.tab) return setTab((t) => (t === 'request' ? 'response' : 'request'));
    if (key.return) return setFocus((f) => (f === 'list' ? 'detail' : 'list'));
    if (key.escape) return focusNow.current === 'detail' ? setFocus('list') : setFilter('');
    if (input === 'r') return actions.replay(selectedNow());
    if (input === 'R') return actions.retry(selectedNow());
    if (input === 'e') return actions.editAndReplay(selectedNow());
    if (input === 'c') return actions.copy(selectedNow());
    if (input === 'o') return actions.open(feed.info.url);
    if (input === 'p') return follow(!navNow.current.following);
    if (focusNow.current === 'detail') scrollDetail(input, key);
    else navigateList(input, key);
  };
  // Ink re-attaches its input handler in an effect, which can run a frame late; this ref always has the latest one.
  const keyHandler = useRef(onKey);
  keyHandler.current = onKey;
  useInput((input, key) => {
    for (const [one, oneKey] of splitKeys(input, key)) keyHandler.current(one, oneKey);
  });

  const position = rows.length === 0 ? '0 rows' : `${view.selected + 1}/${rows.length}${feed.window.hasOlder ? '+' : ''}`;
  const emptyText = filter
    ? searching
      ? `searching the loaded rows' bodies for "${sanitize(filter)}"…`
      : `nothing loaded matches "${sanitize(filter)}"`
    : feed.info.mode === 'inspect'
      ? 'no recorded exchanges in this database'
      : `waiting for webhooks${feed.info.url ? ` at ${sanitize(feed.info.url)}` : ''}…${feed.info.localOnly ? `\n${LOCAL_ONLY_HINT}` : ''}`;

  return (
    <Box flexDirection="column" width={columns} height={layout.height}>
      <Header info={feed.info} />
      <ExchangeList
        rows={rows.slice(view.top, view.top + layout.listRows)}
        selectedId={selected?.id}
        height={layout.listRows}
        width={columns}
        emptyText={emptyText}
      />
      {layout.detailRows > 0 ? (
        <DetailPane
          lines={lines?.slice(scroll, scroll + layout.detailRows)}
          total={lines?.length ?? 0}
          scroll={scroll}
          tab={tab}
          height={layout.detailRows}
          width={columns}
          focused={focus === 'detail'}
        />
      ) : null}
      <FilterBar
        filter={filter}
        editing={editing}
        searching={searching}
        message={actions.message}
        following={nav.following}
        position={position}
      />
      <Footer width={columns} editing={editing} following={nav.following} publicUrl={feed.info.mode !== 'inspect'} focus={focus} filtered={filter !== ''} />
    </Box>
  );
}
