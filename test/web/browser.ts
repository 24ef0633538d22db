// A real headless Chromium (the system package, never a downloaded build) driven by playwright-core, and the set-ups
// page tests share: a seeded store, a local app and an inspector, with the inspector page open (useInspectorPage); or
// a real relay, a local app and the real `hooktunnel listen` serving its inspector (useListenPage).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createRelay, type Relay } from '../../relay-server/relay.js';
import { Store, type OpenOptions } from '../../src/store/store.js';
import type { Inspector } from '../../src/web/server.js';
import type { Secrets } from '../../src/webhooks/secrets.js';
import { startListen, tempHome, type ListenProcess } from '../helpers/cli.js';
import { startLocalApp, type Handler, type LocalApp } from '../helpers/http.js';
import { startInspector } from './support.js';

export const CHROMIUM = process.env.HOOKTUNNEL_CHROMIUM ?? '/usr/bin/chromium';

/** A name that resolves to 127.0.0.1 inside this browser only: a DNS-rebinding attacker's domain, simulated. */
export const REBIND_HOST = 'rebind.test';

// The machine has no internet: without these Chromium keeps trying to reach Google's services and floods refusals.
const QUIET = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile in a temp dir, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'hooktunnel-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET, `--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`],
    viewport: { width: 1400, height: 860 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new tab on the inspector at `url`, once its page says it is ready. A missing element fails with Playwright's
 * message well before a test's own timeout. `prepare` runs before the page loads (to catch its dialogs, say).
 */
export async function openInspector(browser: Browser, url: string, prepare?: (page: Page) => void): Promise<Page> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  prepare?.(page);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

export interface InspectorPageOptions {
  /** Names the temp dir (`hooktunnel-web-<name>-…`), so a leftover one says which test file made it. */
  name: string;
  /** For Store.open: redaction rules, say. */
  store?: OpenOptions;
  /** How the local app answers (startLocalApp's handler; 200 "ok" by default). */
  app?: Handler;
  /** The inspector's replays go to the local app (else, as `hooktunnel web`, to each exchange's original target). */
  replayToApp?: boolean;
  secrets?: Secrets;
  timeoutMs?: number;
  /** Records the exchanges the tests look at, before the inspector and the page start. */
  seed?: (store: Store, app: LocalApp) => Promise<void> | void;
  /** openInspector's `prepare`: runs before the page loads. */
  prepare?: (page: Page) => void;
}

/** What useInspectorPage started: filled in by its beforeAll, so read the fields inside hooks and tests only. */
export interface InspectorPage {
  store: Store;
  app: LocalApp;
  inspector: Inspector;
  browser: Browser;
  page: Page;
}

/**
 * Registers the beforeAll that starts a store in a temp dir, a real local app, the seeded exchanges, an inspector on
 * the store and its page in a real Chromium, and the afterAll that closes them all and removes the dir. A file's own
 * beforeAll registered after this one runs after it; its own afterAll runs before this one (vitest runs after-hooks
 * in reverse), so it can release what it holds (answers the app never sent, say) before the app closes.
 */
export function useInspectorPage(options: InspectorPageOptions): InspectorPage {
  const started = {} as InspectorPage;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `hooktunnel-web-${options.name}-`));
    started.store = Store.open(join(dir, 'capture.db'), options.store);
    started.app = await startLocalApp(options.app);
    await options.seed?.(started.store, started.app);
    const appUrl = options.replayToApp ? started.app.url : undefined;
    started.inspector = await startInspector(started.store, appUrl, options.secrets, options.timeoutMs);
    started.browser = await launchBrowser();
    started.page = await openInspector(started.browser, started.inspector.url, options.prepare);
  }, 60_000);
  afterAll(async () => {
    await started.page?.close();
    await started.browser?.close();
    await started.inspector?.close();
    await started.app?.close();
    started.store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return started;
}

export interface ListenPageOptions {
  /** How the local app answers (startLocalApp's handler; 200 "ok" by default). */
  app?: Handler;
  /** More `listen` arguments (`--secret stripe=…`, say). */
  args?: string[];
  /** false: start nothing (a file whose tests are skipped unless asked for). */
  enabled?: boolean;
}

/** What useListenPage started: filled in by its beforeAll, so read the fields inside hooks and tests only. */
export interface ListenPage {
  /** The temp home `listen` runs in; its database is `home.db`. */
  home: ReturnType<typeof tempHome>;
  relay: Relay;
  app: LocalApp;
  /** `hooktunnel listen <app port> --relay … --db home.db --inspect-port 0 --json`, from dist/ as a user runs it. */
  listen: ListenProcess;
  /** The inspector's address with its secret, as listen printed it (the `ready` event's `inspector`). */
  inspectorUrl: string;
  browser: Browser;
  /** The id listen recorded for this path, once it has. */
  idOf(path: string): Promise<number>;
}

/**
 * Registers the beforeAll that starts a real relay on 127.0.0.1, a real local app, the real CLI's `listen` to it with
 * its web inspector, and a browser, and the afterAll that stops them all and removes the temp home. Tests open their
 * own pages (openInspector with inspectorUrl). As with useInspectorPage, a file's own afterAll runs before this one's.
 */
export function useListenPage(options: ListenPageOptions = {}): ListenPage {
  const started = {
    async idOf(path: string) {
      const event = await started.listen.waitForRequest((e) => e.path === path, `an exchange for ${path}`);
      return event.id as number;
    },
  } as ListenPage;
  beforeAll(async () => {
    if (options.enabled === false) return;
    started.home = tempHome();
    started.relay = createRelay({ port: 0, host: '127.0.0.1' });
    const relayUrl = await started.relay.start();
    started.app = await startLocalApp(options.app);
    const args = [String(started.app.port), '--relay', relayUrl, '--db', started.home.db, '--inspect-port', '0', ...(options.args ?? [])];
    started.listen = await startListen(args, started.home.env);
    started.inspectorUrl = started.listen.events.find((e) => e.type === 'ready')!.inspector as string;
    started.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await started.browser?.close();
    await started.listen?.stop();
    await started.app?.close();
    await started.relay?.close();
    started.home?.cleanup();
  });
  return started;
}
