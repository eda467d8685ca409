import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, NO_PG, PG_URL, SKIP_REASON, uniqueSchema, withClient } from '../io/sink/postgres/pg-env.js';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.js';
import { startPanelDemo, type PanelDemo } from './support/panel-demo.js';

/**
 * Issue 11: with a postgres sink the Trends page showed nothing that went to the real database
 * (history read only the local SQLite file). The demo plant here writes to PostgreSQL, and the
 * panel's trend is drawn from what the history API reads back from it.
 */

const WAIT = { timeout: 20_000 };
const schema = uniqueSchema('e2e');
let demo: PanelDemo;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

describe.skipIf(NO_PG)(`the Trends page on a postgres sink (${NO_PG ? SKIP_REASON : 'JSSCADA_TEST_PG_URL'})`, () => {
  beforeAll(async () => {
    demo = await startPanelDemo({ sink: { kind: 'postgres', url: PG_URL!, schema, poolSize: 2, ssl: false, connectTimeoutMs: 5000, queryTimeoutMs: 30000 } });
    browser = await launchChromium();
    watched = await watchedPage(browser, demo.url);
    page = watched.page;
  }, 120_000);

  afterAll(async () => {
    await watched?.context.close();
    await browser?.close();
    await demo?.close();
    if (PG_URL) await dropSchema(PG_URL, schema);
  }, 60_000);

  it('draws a tag\'s history read back from PostgreSQL', async () => {
    // Rows of temp1 in the central database, under this collector's name.
    const stored = async (): Promise<number> =>
      withClient(PG_URL!, async (c) => Number((await c.query(`SELECT count(*) AS n FROM "${schema}".tag_values WHERE collector = 'demo-line' AND tag = 'temp1'`)).rows[0].n));
    await expect.poll(stored, WAIT).toBeGreaterThan(3);

    const history = page.waitForResponse((r) => r.url().includes('/api/tags/temp1/history') && r.status() === 200, WAIT);
    await page.goto(`${demo.url}/trends`);
    await page.locator('.picker-item', { hasText: 'temp1' }).getByRole('checkbox').check();
    const body = (await (await history).json()) as { points: { ts: number }[]; buckets?: unknown[] };
    // What the page asked for came from the database: as many points as PostgreSQL held then, or more.
    expect(body.points.length + (body.buckets?.length ?? 0)).toBeGreaterThan(3);
    await expect.poll(() => page.locator('section.trend[data-tag="temp1"] canvas').count(), WAIT).toBe(1);
    await expect.poll(() => page.locator('section.trend[data-tag="temp1"] [data-testid="trend-live"]').innerText(), WAIT).toMatch(/°C$/);
    expect(watched.errors, watched.errors.join('\n')).toEqual([]);
    expect(watched.foreign).toEqual([]);
  });
});
