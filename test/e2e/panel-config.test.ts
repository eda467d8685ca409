import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage, type WatchedPage } from './support/browser.js';
import { startPanelDemo, type PanelDemo } from './support/panel-demo.js';

/** Configuration from the panel, on the demo plant: add, edit, remove; export and import. */

const WAIT = { timeout: 20_000 };
let demo: PanelDemo;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

async function api(path: string): Promise<unknown> {
  return (await fetch(`${demo.url}${path}`)).json();
}

function section(name: string) {
  return page.getByRole('group', { name: 'Configuration sections' }).getByRole('button', { name, exact: true });
}

beforeAll(async () => {
  demo = await startPanelDemo();
  browser = await launchChromium();
  watched = await watchedPage(browser, demo.url);
  page = watched.page;
  await page.goto(`${demo.url}/config`);
  // The token, entered before it is needed, from the header.
  await page.getByRole('button', { name: 'Enter the API token' }).click();
  const dialog = page.getByRole('dialog', { name: 'API token needed' });
  await dialog.getByLabel('API token', { exact: true }).fill(demo.token);
  await dialog.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('button', { name: 'Forget the saved API token' }).waitFor(WAIT);
}, 120_000);

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await demo?.close();
}, 60_000);

describe('configuration from the panel', () => {
  it('adds a device, edits it and removes it', async () => {
    await page.getByRole('button', { name: 'Add device' }).click();
    const form = page.getByRole('dialog', { name: 'Add a device' });
    await form.getByLabel('Name', { exact: true }).fill('spare');
    await form.getByLabel('Protocol', { exact: true }).selectOption('modbus');
    await form.getByLabel('Port', { exact: true }).fill('70000');
    await form.getByRole('button', { name: 'Add device' }).click();
    // The server's own rule, checked before sending.
    await expect.poll(() => form.locator('.field', { hasText: 'Port' }).locator('.field-error').innerText(), WAIT).toMatch(/65535/);
    await form.getByLabel('Port', { exact: true }).fill('15020');
    await form.getByLabel('Unit id', { exact: true }).fill('7');
    await form.getByRole('button', { name: 'Add device' }).click();
    await form.waitFor({ state: 'detached', ...WAIT });
    await page.locator('tr[data-device="spare"]').waitFor(WAIT);
    await expect.poll(async () => JSON.stringify(await api('/api/devices/spare')), WAIT).toContain('"unitId":7');

    await page.getByRole('button', { name: 'Edit device spare' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit device spare' });
    expect(await edit.getByLabel('Name', { exact: true }).getAttribute('readonly')).not.toBeNull();
    await edit.getByLabel('Timeout (ms)', { exact: true }).fill('750');
    await edit.getByRole('button', { name: 'Save device' }).click();
    await edit.waitFor({ state: 'detached', ...WAIT });
    await expect.poll(async () => JSON.stringify(await api('/api/devices/spare')), WAIT).toContain('"timeoutMs":750');

    await page.getByRole('button', { name: 'Remove device spare' }).click();
    await page.getByRole('dialog', { name: 'Remove device spare?' }).getByRole('button', { name: 'Remove device' }).click();
    await page.locator('tr[data-device="spare"]').waitFor({ state: 'detached', ...WAIT });
  });

  it('refuses to remove a device groups still use, and says which', async () => {
    await page.getByRole('button', { name: 'Remove device line2' }).click();
    await page.getByRole('dialog', { name: 'Remove device line2?' }).getByRole('button', { name: 'Remove device' }).click();
    await page.locator('.toast', { hasText: 'Device line2:' }).waitFor(WAIT);
    expect(await page.locator('tr[data-device="line2"]').count()).toBe(1);
  });

  it('adds a tag with thresholds, edits it, and removes it', async () => {
    await section('Tags').click();
    await page.getByLabel('Group whose tags to edit', { exact: true }).selectOption('oven');
    await page.getByRole('button', { name: 'Add tag' }).click();
    const form = page.getByRole('dialog', { name: 'Add a tag to oven' });
    await form.getByLabel('Name', { exact: true }).fill('oven_zone3');
    await form.getByLabel('Address', { exact: true }).fill('D504');
    await form.getByLabel('Type', { exact: true }).selectOption('float32');
    await form.getByLabel('Unit', { exact: true }).fill('C');
    await form.getByLabel('Warning at', { exact: true }).fill('270');
    await form.getByLabel('Critical at', { exact: true }).fill('250');
    await form.getByRole('button', { name: 'Add tag' }).click();
    await expect.poll(() => form.locator('.field', { hasText: 'Warning at' }).locator('.field-error').innerText(), WAIT).toBe('warn (270) is above crit (250)');
    await form.getByLabel('Warning at', { exact: true }).fill('240');
    await form.getByRole('button', { name: 'Add tag' }).click();
    await form.waitFor({ state: 'detached', ...WAIT });
    await page.locator('tr[data-tag="oven_zone3"]').waitFor(WAIT);

    await page.getByRole('button', { name: 'Edit tag oven_zone3' }).click();
    const edit = page.getByRole('dialog', { name: /Edit tag oven_zone3/ });
    await edit.getByLabel('Critical at', { exact: true }).fill('265');
    await edit.getByLabel('Description', { exact: true }).fill('zone 3 (added by the e2e test)');
    await edit.getByRole('button', { name: 'Save tag' }).click();
    await edit.waitFor({ state: 'detached', ...WAIT });
    await expect.poll(async () => JSON.stringify(await api('/api/groups/oven/tags/oven_zone3')), WAIT).toContain('"crit":265');
    // The new tag is polled: it shows on the devices page.
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.locator('tr[data-tag="oven_zone3"]').waitFor(WAIT);
    await page.getByRole('link', { name: 'Configuration' }).click();
    await section('Tags').click();
    await page.getByLabel('Group whose tags to edit', { exact: true }).selectOption('oven');
    await page.getByRole('button', { name: 'Remove tag oven_zone3' }).click();
    await page.getByRole('dialog', { name: 'Remove tag oven_zone3?' }).getByRole('button', { name: 'Remove tag' }).click();
    await page.locator('tr[data-tag="oven_zone3"]').waitFor({ state: 'detached', ...WAIT });
  });

  it('exports the configuration and the tags, and imports tags from CSV', async () => {
    await section('Import / export').click();
    const [yaml] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download configuration (YAML)' }).click()]);
    expect(yaml.suggestedFilename()).toBe('jsscada-config.yaml');
    const yamlText = readFileSync(await yaml.path(), 'utf8');
    expect(yamlText).toContain('press-fast');
    expect(yamlText).not.toContain(demo.token);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download tags (CSV)' }).click()]);
    expect(csv.suggestedFilename()).toBe('jsscada-tags.csv');
    const csvText = readFileSync(await csv.path(), 'utf8');
    const [header, ...rows] = csvText.trim().split(/\r?\n/);
    expect(rows.length).toBe(22);

    // Change one unit in the exported file and import it back (merge).
    const changed = [header, ...rows.filter((r) => r.includes('ram_position')).map((r) => r.replace(',mm,', ',cm,'))].join('\n') + '\n';
    await page.getByLabel('CSV file to import', { exact: true }).setInputFiles({ name: 'tags.csv', mimeType: 'text/csv', buffer: Buffer.from(changed) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.import-result').waitFor(WAIT);
    expect(await page.locator('.import-result').innerText()).toMatch(/Imported 1 rows/);
    await expect.poll(async () => JSON.stringify(await api('/api/groups/press-cycle/tags/ram_position')), WAIT).toContain('"unit":"cm"');

    // A broken file: the errors name the line.
    await page.getByLabel('CSV file to import', { exact: true }).setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${rows[0]!.replace(/D100/, 'QQ1')}\n`) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('.form-errors').waitFor(WAIT);
    expect(await page.locator('.form-errors').innerText()).toMatch(/line 2/);
  });

  it('forgets the token when asked', async () => {
    await page.getByRole('button', { name: 'Forget the saved API token' }).click();
    await page.getByRole('button', { name: 'Enter the API token' }).waitFor(WAIT);
    expect(await page.evaluate('localStorage.getItem("jsscada.token")')).toBeNull();
    expect(watched.errors, watched.errors.join('\n')).toEqual([]);
    expect(watched.foreign).toEqual([]);
  });
});
