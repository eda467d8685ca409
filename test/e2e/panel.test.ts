import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.js';
import { startPanelDemo, type PanelDemo } from './support/panel-demo.js';

/**
 * The operator panel in headless Chromium against the demo plant: simulated PLCs, the real
 * collector and HTTP API, the built panel. Every wait is for a condition on the page; generous
 * timeouts because a CI machine may be slow, never a fixed sleep as an assertion.
 */

/** docs/screenshots is updated on purpose (npm run screenshots), not by every test run. */
export const SHOTS = process.env.JSSCADA_UPDATE_SCREENSHOTS ? join(packageRoot(), 'docs', 'screenshots') : join(tmpdir(), 'jsscada-screenshots');
const WAIT = { timeout: 20_000 };

let demo: PanelDemo;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

async function shot(name: string): Promise<void> {
  // Let the live values settle into a frame, and hide the caret of a focused field.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  // Messages of earlier steps would cover the page: hidden while the picture is taken.
  await page.screenshot({ path: join(SHOTS, `${name}.png`), caret: 'hide', style: '.toasts { display: none !important; }' });
}

function row(group: string) {
  return page.locator(`tr[data-group="${group}"]`);
}

async function counter(group: string, testId: string): Promise<number> {
  const text = await row(group).locator(`[data-testid="${testId}"]`).innerText();
  return Number(text.replace(/[^\d]/g, ''));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
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

describe('the operator panel on the demo plant', () => {
  it('shows every group turning to polling, the buffer and a live stream', async () => {
    await page.goto(`${demo.url}/`);
    await expect.poll(() => page.locator('tbody tr[data-group]').count(), WAIT).toBe(7);
    await expect.poll(() => page.locator('tbody tr[data-group][data-state="polling"]').count(), WAIT).toBe(7);
    await page.getByRole('meter', { name: 'Buffer fill' }).waitFor(WAIT);
    await expect.poll(() => page.locator('.conn', { hasText: 'Stream' }).innerText(), WAIT).toContain('live');
    // FIXED groups poll on their own: their counters move.
    const before = await counter('press-cycle', 'polls-ok');
    await expect.poll(() => counter('press-cycle', 'polls-ok'), WAIT).toBeGreaterThan(before);
    // Trigger is offered on HANDSHAKE groups only.
    expect(await row('batch-report').getByRole('button', { name: /Trigger/ }).count()).toBe(1);
    expect(await row('press-fast').getByRole('button', { name: /Trigger/ }).count()).toBe(0);
    await expect.poll(() => page.locator('.metric', { hasText: 'Written' }).innerText(), WAIT).not.toMatch(/\b0$/);
  });

  it('stops and starts a group with its buttons, asking for the token once', async () => {
    await row('press-fast').getByRole('button', { name: 'Stop group press-fast' }).click();
    const dialog = page.getByRole('dialog', { name: 'API token needed' });
    await dialog.waitFor(WAIT);
    await dialog.getByLabel('API token', { exact: true }).fill(demo.token);
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => row('press-fast').getAttribute('data-state'), WAIT).toBe('idle');
    await page.locator('.toast', { hasText: 'press-fast: stopped.' }).waitFor(WAIT);

    await row('press-fast').getByRole('button', { name: 'Start group press-fast' }).click();
    await expect.poll(() => row('press-fast').getAttribute('data-state'), WAIT).toBe('polling');
    expect(await page.getByRole('dialog').count()).toBe(0);
    const polls = await counter('press-fast', 'polls-ok');
    await expect.poll(() => counter('press-fast', 'polls-ok'), WAIT).toBeGreaterThan(polls);
  });

  it('triggers a HANDSHAKE group and sees its counters move', async () => {
    const triggers = await counter('batch-report', 'triggers');
    const polls = await counter('batch-report', 'polls-ok');
    const button = row('batch-report').getByRole('button', { name: 'Trigger one poll of group batch-report' });
    // The PLC triggers this group every 5 s too: within a second of one, the engine ignores a
    // trigger (429, shown as a warning). Try again until one is accepted.
    await expect
      .poll(
        async () => {
          if (await button.isEnabled()) await button.click();
          return page.locator('.toast', { hasText: 'batch-report: triggered poll read 2 tags' }).count();
        },
        { timeout: 30_000, interval: 1_500 },
      )
      .toBeGreaterThan(0);
    await expect.poll(() => counter('batch-report', 'triggers'), WAIT).toBeGreaterThan(triggers);
    await expect.poll(() => counter('batch-report', 'polls-ok'), WAIT).toBeGreaterThan(polls);
  });

  it('shows each device online with its readings updating', async () => {
    await page.getByRole('link', { name: 'Devices' }).click();
    for (const device of ['line1', 'line2', 'pumps']) {
      await expect.poll(() => page.locator(`section[data-device="${device}"] .pill`).first().innerText(), WAIT).toBe('ONLINE');
    }
    const value = page.locator('tr[data-tag="ram_position"] [data-testid="value"]');
    await expect.poll(() => value.innerText(), WAIT).toMatch(/mm$/);
    const first = await value.innerText();
    await expect.poll(() => value.innerText(), WAIT).not.toBe(first);
    // Alarm colours come from the tag thresholds: every reading has a level class.
    expect(await page.locator('tr.tag-row').count()).toBe(22);
    expect(await page.locator('tr.tag-row:not([class*="level-"])').count()).toBe(0);
    await shot('devices');
  });

  it('draws trends of picked tags from history and live', async () => {
    await page.getByRole('link', { name: 'Trends' }).click();
    for (const tag of ['temp1', 'pump1_temp', 'oven_zone1']) {
      await page.locator('.picker-item', { hasText: tag }).getByRole('checkbox').check();
    }
    await expect.poll(() => page.locator('section.trend canvas').count(), WAIT).toBe(3);
    await expect.poll(() => page.locator('section.trend[data-tag="temp1"] [data-testid="trend-live"]').innerText(), WAIT).toMatch(/°C$/);
    // The picked tags are kept for the next visit (a wall display comes back as it was).
    await page.reload();
    await expect.poll(() => page.locator('section.trend canvas').count(), WAIT).toBe(3);
  });

  it('draws the statecharts and follows an actor into another state', async () => {
    await page.getByRole('link', { name: 'Inspector' }).click();
    const chart = page.locator('svg.statechart[data-machine="pollGroup"]');
    await chart.waitFor(WAIT);
    await page.locator('button.actor-item[data-actor="press-fast#0"]').click();
    await expect.poll(() => chart.getAttribute('data-active-leaf'), WAIT).toMatch(/^pollGroup\.polling\./);
    expect(await chart.locator('g.state.leaf').count()).toBe(1);

    // Stop the group (the token is remembered): the highlighted state becomes idle.
    await fetch(`${demo.url}/api/polling/groups/press-fast/stop`, { method: 'POST', headers: { authorization: `Bearer ${demo.token}` } });
    await expect.poll(() => chart.getAttribute('data-active-leaf'), WAIT).toBe('pollGroup.idle');
    await expect.poll(() => page.getByTestId('active-state').innerText(), WAIT).toBe('idle');
    await page.locator('.log-table td', { hasText: 'group.stop' }).first().waitFor(WAIT);
    await fetch(`${demo.url}/api/polling/groups/press-fast/start`, { method: 'POST', headers: { authorization: `Bearer ${demo.token}` } });
    await expect.poll(() => chart.getAttribute('data-active-leaf'), WAIT).toMatch(/^pollGroup\.polling\./);

    // Every machine of the product has a drawing.
    for (const machine of ['engine', 'buffer', 'deviceLink']) {
      await page.getByRole('group', { name: 'Machines' }).getByRole('button', { name: new RegExp(`^${machine}`) }).click();
      await page.locator(`svg.statechart[data-machine="${machine}"]`).waitFor(WAIT);
    }
    await page.getByRole('group', { name: 'Machines' }).getByRole('button', { name: /^pollGroup/ }).click();
    await page.locator('button.actor-item[data-actor="press-cycle#0"]').click();
    await expect.poll(() => chart.getAttribute('data-active-leaf'), WAIT).toMatch(/^pollGroup\.polling\./);
    await shot('inspector');
  });

  it('checks a change as the API does, and shows the server’s field errors next to the field', async () => {
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.locator('tr[data-device="line1"]').waitFor(WAIT);
    await shot('configuration');

    // Caught before sending, by the server's own schema.
    await page.getByRole('group', { name: 'Configuration sections' }).getByRole('button', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Edit group press-fast' }).click();
    const form = page.getByRole('dialog', { name: 'Edit group press-fast' });
    await form.getByLabel('Interval (ms)', { exact: true }).fill('50');
    await form.getByRole('button', { name: 'Save group' }).click();
    await expect.poll(() => form.locator('.field', { hasText: 'Interval (ms)' }).locator('.field-error').innerText(), WAIT).toBe('interval must be at least 100 ms');
    await form.getByLabel('Interval (ms)', { exact: true }).fill('500');
    await form.getByRole('button', { name: 'Save group' }).click();
    await form.waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await expect.poll(() => row('press-fast').locator('td').nth(3).innerText(), WAIT).toBe('500 ms');

    // Only the server knows this one (the address against the device): its 400 lands on the field.
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('group', { name: 'Configuration sections' }).getByRole('button', { name: 'Tags' }).click();
    await page.getByRole('button', { name: 'Add tag' }).click();
    const tagForm = page.getByRole('dialog', { name: /Add a tag to/ });
    await tagForm.getByLabel('Name', { exact: true }).fill('e2e_probe');
    await tagForm.getByLabel('Address', { exact: true }).fill('QQ12');
    await tagForm.getByRole('button', { name: 'Add tag' }).click();
    const addressError = tagForm.locator('.field', { hasText: 'Address' }).locator('.field-error');
    await expect.poll(() => addressError.innerText(), WAIT).not.toBe('');
    await shot('configuration-error');
    await tagForm.getByRole('button', { name: 'Cancel' }).click();
  });

  it('pictures the plant after a minute of running: overview and trends', async () => {
    // For the documentation: a minute of history makes a trend worth looking at.
    const points = async () => {
      const r = await fetch(`${demo.url}/api/tags/temp1/history?limit=1000`);
      const body: unknown = await r.json();
      return typeof body === 'object' && body !== null && 'points' in body && Array.isArray(body.points) ? body.points.length : 0;
    };
    await expect.poll(points, { timeout: 80_000, interval: 2_000 }).toBeGreaterThanOrEqual(60);
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await expect.poll(() => page.locator('tbody tr[data-group][data-state="polling"]').count(), WAIT).toBe(7);
    await shot('overview');
    await page.getByRole('link', { name: 'Trends' }).click();
    await expect.poll(() => page.locator('section.trend canvas').count(), WAIT).toBe(3);
    await page.getByRole('button', { name: '5 min', exact: true }).waitFor(WAIT);
    await shot('trends');
  }, 120_000);

  it('made no request outside the collector and logged no error', () => {
    expect(watched.foreign).toEqual([]);
    // Refusals we provoked: the token (401), a trigger too soon after the PLC's (429), the bad address (400).
    expect(watched.refused.filter((s) => ![400, 401, 429].includes(s))).toEqual([]);
    expect(watched.refused).toContain(401);
    expect(watched.refused).toContain(400);
    expect(watched.errors, watched.errors.join('\n')).toEqual([]);
  });
});
