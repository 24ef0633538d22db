// A real headless Chromium (the system package, never a downloaded build) driven by playwright-core.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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
