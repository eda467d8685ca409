import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.js';
import { ensurePanelBuilt } from './support/panel-build.js';
import { startSyntheticPlant, type SyntheticOptions, type SyntheticPlant } from './support/synthetic-plant.js';

/**
 * 3 a.m.: the collector restarts (an update, a crash, a reboot). The panel must say at once that
 * what it shows is no longer live, keep trying, and come back by itself.
 */

const PLANT: SyntheticOptions = { groups: 12, tags: 60, devices: 3, batchMs: 1000 };
let dist: string;
let plant: SyntheticPlant | undefined;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  dist = await ensurePanelBuilt();
  plant = await startSyntheticPlant(dist, PLANT);
  browser = await launchChromium();
  watched = await watchedPage(browser, plant.url);
  page = watched.page;
}, 120_000);

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await plant?.close();
});

describe('the panel when the collector goes away and comes back', () => {
  it('shows the outage, marks the values stale, and reconnects by itself', async () => {
    const first = plant!;
    await page.goto(`${first.url}/`);
    const stream = page.locator('.conn', { hasText: 'Stream' });
    await expect.poll(() => stream.innerText(), { timeout: 20_000 }).toContain('live');
    expect(await page.getByRole('alert').count()).toBe(0);

    await first.close();
    plant = undefined;
    const banner = page.getByRole('alert').filter({ hasText: 'Connection to the collector lost' });
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.innerText()).toContain('values on screen are from then, not live');
    expect(await page.locator('main.stale').count()).toBe(1);
    await expect.poll(() => stream.innerText(), { timeout: 20_000 }).toMatch(/retry in \d+ s|reconnecting/);
    const shots = process.env.JSSCADA_UPDATE_SCREENSHOTS ? join(packageRoot(), 'docs', 'screenshots') : join(tmpdir(), 'jsscada-screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'connection-lost.png'), style: '.toasts { display: none !important; }' });

    plant = await startSyntheticPlant(dist, { ...PLANT, port: first.port });
    // The first retries come after 3 s (the server's retry:), then 6 s: well inside the wait.
    await banner.waitFor({ state: 'detached', timeout: 40_000 });
    await expect.poll(() => stream.innerText(), { timeout: 20_000 }).toContain('live');
    expect(await page.locator('main.stale').count()).toBe(0);
    await expect.poll(() => page.locator('tbody tr[data-group]').count(), { timeout: 20_000 }).toBe(PLANT.groups);
  }, 90_000);

  it('reconnects at once when asked (Retry now)', async () => {
    const current = plant!;
    await current.close();
    plant = undefined;
    const banner = page.getByRole('alert').filter({ hasText: 'Connection to the collector lost' });
    await banner.waitFor({ timeout: 20_000 });
    // Let the backoff grow past a few seconds, then bring the server back and press the button.
    await expect.poll(() => page.locator('.conn', { hasText: 'Stream' }).innerText(), { timeout: 30_000 }).toMatch(/retry in ([5-9]|\d\d) s/);
    plant = await startSyntheticPlant(dist, { ...PLANT, port: current.port });
    await banner.getByRole('button', { name: 'Retry now' }).click();
    await banner.waitFor({ state: 'detached', timeout: 5_000 });
  }, 90_000);
});
