import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium; scripts/ensure-chromium.sh (vitest global setup) installs it on a clean machine. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../output/screenshots');

/** Hosts a page may load from: the local stack only. Everything else is aborted and recorded. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Headless Chromium with everything that would phone home switched off, so tests make no network
 * traffic of their own. Close it in `afterAll`.
 *
 * @example
 * const browser = await launchBrowser();
 * afterAll(() => browser.close());
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run scripts/ensure-chromium.sh (npm test runs it first)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

export interface TestPage {
  page: Page;
  /** URLs the page tried to load from anywhere but the local stack (all were aborted). */
  blockedRequests: string[];
  close(): Promise<void>;
}

/**
 * A page in its own context at the given viewport that can only reach 127.0.0.1/localhost.
 * `bypassCSP` lets {@link checkAccessibility} inject axe into pages whose policy forbids scripts;
 * it does not change what the page itself may load.
 *
 * @example
 * const { page, blockedRequests } = await newPage(browser, { width: 375, height: 800 });
 * await page.goto(url);
 * expect(blockedRequests).toEqual([]);
 */
export async function newPage(browser: Browser, viewport = { width: 1024, height: 768 }): Promise<TestPage> {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const blockedRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (LOCAL_HOSTS.has(new URL(url).hostname)) return route.continue();
    blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  return { page, blockedRequests, close: () => context.close() };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
};

/**
 * Runs axe-core on the page as it is now (WCAG 2.x A/AA rules) and returns its results; pass them to
 * {@link seriousViolations} to assert.
 *
 * @example
 * expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
 */
export async function checkAccessibility(page: Page): Promise<AxeResults> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Once per document: a second check of the same page (e.g. at another width) reuses it.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axeSource });
  // `axe` is the global the script just defined; the callback runs in the page (whole document), not in Node.
  return page.evaluate((options) => (globalThis as unknown as { axe: typeof import('axe-core') }).axe.run(options), AXE_OPTIONS);
}

/**
 * The serious and critical violations, one readable line each (rule, help text, offending nodes),
 * so that `expect(...).toEqual([])` shows what to fix when it fails.
 */
export function seriousViolations(result: AxeResults): string[] {
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      // failureSummary is "Fix any of the following:\n  reason\n  other reason…": the first reason says enough.
      const nodes = v.nodes.map((n) => {
        const reason = n.failureSummary?.split('\n')[1]?.trim();
        return `${n.target.join(' ')}${reason ? ` (${reason})` : ''}`;
      });
      return `${v.id} [${v.impact}] ${v.help}: ${nodes.join('; ')}`;
    });
}

/** Saves a full-page PNG as tests/output/screenshots/{name}.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The console pages' accessibility check: at 1280 px and at 375 px, no axe violation of any impact
 * (these pages are new: not only the serious ones), a screenshot at each, then back to 1280 px and
 * laid out again before the next click aims at the page. `noSideScroll` also requires that nothing
 * is wider than the viewport (a long job id, a table).
 *
 * @example
 * await expectAccessibleAtBothWidths(page, 'console-releases');
 */
export async function expectAccessibleAtBothWidths(page: Page, name: string, options: { noSideScroll?: boolean } = {}): Promise<void> {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 800 });
    const result = await checkAccessibility(page);
    expect(seriousViolations(result), `${name} at ${width} px`).toEqual([]);
    expect(result.violations.map((v) => `${v.id} [${v.impact}]`), `${name} at ${width} px`).toEqual([]);
    if (options.noSideScroll) {
      expect(await page.evaluate('document.documentElement.scrollWidth'), `${name} at ${width} px`).toBeLessThanOrEqual(width);
    }
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  // A string: it runs in the page, where requestAnimationFrame is, not in Node.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
}
