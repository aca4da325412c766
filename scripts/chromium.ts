/**
 * A shared headless Chromium launcher (Debian `chromium`, driven by playwright-core) for tests that
 * look at generated pages. `chromiumPath()` says whether a browser is installed; tests skip without
 * one unless CI=true, where they must run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function chromiumPath(): string | undefined {
  return existsSync(CHROMIUM) ? CHROMIUM : undefined;
}

/** True when browser tests must run (and fail loudly) rather than skip. */
export function browserRequired(): boolean {
  return process.env['CI'] === 'true';
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches a fresh headless Chromium with its own throw-away profile directory. */
export async function launchChromium(): Promise<Browser> {
  const path = chromiumPath();
  if (path === undefined) throw new Error(`chromium not found at ${CHROMIUM}`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'zabsim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: path,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
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
 * Collects what a self-contained page must never do, as it happens: script errors, console errors,
 * and any request that leaves the file (`file:` and `data:` URLs are the page itself).
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`network request: ${r.url()}`);
  });
  return errors;
}
