import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * A real browser for the console's pages: Debian's Chromium driven by playwright-core. Nothing
 * is ever downloaded; CI installs the `chromium` package (.ci/run).
 */
export const CHROMIUM = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go: the test output folder, never the source tree. */
export const SCREENSHOTS = resolve(__dirname, '../../test-output/screenshots');

/** Headless Chromium on a fresh, throw-away profile, with nothing talking to the internet. */
export function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page in its own context (its own cookies), the size of a laptop screen. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/** Which database the run uses, as test/support/use-postgres.ts or use-embedded.ts set it. */
function project(): string {
  return process.env.SWITCHBOARD_TEST_DB ?? 'default';
}

/** Saves the whole page as test-output/screenshots/<project>-<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${project()}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Signs in through the console's form. With `next`, opens the sign-in page for it (as the
 * redirect from a link does); without, fills the form on the sign-in page already open, or
 * opens the plain one. Waits for the page the form leads to.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  token: string,
  next?: string,
): Promise<void> {
  const onSignIn = new URL(page.url(), baseUrl).pathname === '/console/sign-in';
  if (next !== undefined || !onSignIn) {
    const query = next === undefined ? '' : `?next=${encodeURIComponent(next)}`;
    await page.goto(`${baseUrl}/console/sign-in${query}`);
  }
  await page.locator('input[name="token"]').fill(token);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/console/sign-in'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}
