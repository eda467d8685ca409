import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.js';
import { startPanelDemo, type PanelDemo } from './support/panel-demo.js';

/**
 * No clipped text at 1280x800 (issue 14: "no communicat...", a group's error cut before the host
 * and port, the device groups column). Text may wrap, or be shortened with an ellipsis when the
 * element's title (its tooltip) holds the whole text; it may never be cut with nothing to show
 * the rest. Checked with the PLCs gone, when the longest texts (errors) are on screen.
 */

let demo: PanelDemo;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  demo = await startPanelDemo();
  browser = await launchChromium();
  watched = await watchedPage(browser, demo.url);
  page = watched.page;
}, 120_000);

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await demo?.close();
}, 60_000);

/**
 * Elements that cut their content (overflow hidden or clip, content wider than the box) with no
 * title, on themselves, inside or above, holding the whole text. Scrolling boxes are fine.
 * innerText follows text-transform, hence the case-blind comparison.
 */
const CLIPPED = `(() => {
  const norm = (t) => t.replace(/\\s+/g, ' ').trim().toLowerCase();
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!(el instanceof HTMLElement) || el.offsetParent === null) continue;
    const style = getComputedStyle(el);
    if (style.overflowX !== 'hidden' && style.overflowX !== 'clip') continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const text = norm(el.innerText || '');
    if (!text) continue;
    const want = text.slice(0, 40);
    const titles = [...el.querySelectorAll('[title]')].map((n) => n.title);
    for (let p = el; p; p = p.parentElement) if (p.title) titles.push(p.title);
    if (titles.some((t) => norm(t).includes(want))) continue;
    out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '') + ': ' + JSON.stringify(text.slice(0, 80)));
  }
  return out;
})()`;

/** What each page shows once its data is in. */
const READY: Record<string, string> = { '/': 'tbody tr[data-group]', '/devices': 'tr.tag-row', '/config': 'tr[data-device]' };

describe('panel text at 1280x800', () => {
  it('no status or error text is cut off on the overview, devices and configuration pages', async () => {
    await page.goto(`${demo.url}/`);
    await expect.poll(() => page.locator('tbody tr[data-group][data-state="polling"]').count(), { timeout: 20_000 }).toBe(7);
    // The PLCs go away: every device OFFLINE, groups in error with host and port in their text.
    await demo.demo.plant.close();
    await expect.poll(() => page.locator('tbody tr[data-group] .sub.error-text').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const clipped: Record<string, string[]> = {};
    for (const [path, ready] of Object.entries(READY)) {
      await page.goto(`${demo.url}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
      if (path === '/devices') await expect.poll(() => page.locator('tr.tag-row.level-bad-quality').count(), { timeout: 20_000 }).toBeGreaterThan(0);
      clipped[path] = (await page.evaluate(CLIPPED)) as string[];
    }
    expect(clipped).toEqual({ '/': [], '/devices': [], '/config': [] });
  }, 120_000);
});
