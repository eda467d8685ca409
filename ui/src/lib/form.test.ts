import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import devices from '../test-fixtures/devices.json';
import groups from '../test-fixtures/groups.json';
import { ApiError } from './api-error.js';
import { fromApiError, fromZod } from './form-errors.js';
import { createFormModel } from './form-model.js';
import { deviceBody, deviceValues, groupFields, groupValues, num, tagBody, tagValues, withoutNulls } from './form-values.js';
import { deviceSchema, deviceViewSchema, groupSchema, groupViewSchema, tagSchema } from './schemas/config.js';

const KNOWN_DEVICE = new Set(Object.keys(deviceValues()));

describe('form values', () => {
  it('round-trips a device through the form unchanged (what PUT sends is what was there)', () => {
    const view = deviceViewSchema.parse(devices[0]);
    const body = deviceBody(deviceValues(view));
    const { status: _s, lastReadingAt: _l, lastError: _e, queueDepth: _q, groups: _g, ...config } = view;
    expect(deviceSchema.parse(body)).toEqual(deviceSchema.parse(config));
    // The retry period of refused addresses round-trips too (a PUT from the panel must not drop it).
    expect(deviceBody(deviceValues({ ...view, refusedRetryMs: 5000 })).refusedRetryMs).toBe(5000);
    expect('refusedRetryMs' in deviceBody(deviceValues(view))).toBe(false);
  });

  it('round-trips a group’s own fields, with nulls for what is not set', () => {
    const view = groupViewSchema.parse(groups.find((g) => g.mode === 'handshake'));
    const fields = groupFields(groupValues(view));
    expect(fields).toMatchObject({ name: 'batch-report', mode: 'handshake', trigger: { bit: 'M100', ack: 'M101', watchMs: 100 }, record: null });
    expect(groupSchema.safeParse({ ...withoutNulls(fields), tags: view.tags }).success).toBe(true);
    // Switching to fixed removes the trigger (PATCH null).
    expect(groupFields({ ...groupValues(view), mode: 'fixed' }).trigger).toBeNull();
  });

  it('passes text that is not a number on as text, so the schema names the field', () => {
    expect(num('12')).toBe(12);
    expect(num(' 1.5e3 ')).toBe(1500);
    expect(num('')).toBeUndefined();
    expect(num('12 ms')).toBe('12 ms');
    const r = tagSchema.safeParse(tagBody({ ...tagValues(), name: 'x', address: 'D1', warn: 'high' }));
    expect(r.success).toBe(false);
    if (!r.success) expect(fromZod(r.error, new Set(Object.keys(tagValues()))).fields.warn).toBe('must be a number');
  });
});

describe('form errors', () => {
  it('puts schema errors beside their fields, the server’s own rules included', () => {
    const r = tagSchema.safeParse({ name: 'bad name!', address: 'D1', warn: 100, crit: 90 });
    expect(r.success).toBe(false);
    if (!r.success) {
      const e = fromZod(r.error, new Set(['name', 'address', 'warn', 'crit']));
      expect(e.fields.name).toContain('letters, digits');
      expect(e.fields.warn).toBe('warn (100) is above crit (90)');
      expect(e.form).toEqual([]);
    }
  });

  it('says "required" for a missing required field', () => {
    const r = tagSchema.safeParse(tagBody(tagValues()));
    expect(r.success).toBe(false);
    if (!r.success) expect(fromZod(r.error, new Set(Object.keys(tagValues()))).fields).toMatchObject({ name: 'required', address: 'required' });
  });

  it('maps a 400 VALIDATION to its field, without the "invalid body field" prefix', () => {
    const err = new ApiError(400, 'VALIDATION', 'invalid body field "intervalMs": interval must be at least 100 ms', 'intervalMs');
    expect(fromApiError(err, new Set(['intervalMs']))).toEqual({ fields: { intervalMs: 'interval must be at least 100 ms' }, form: [] });
  });

  it('maps CONFIG_INVALID issues to fields, nested paths to the nearest shown field, the rest on top', () => {
    const err = new ApiError(400, 'CONFIG_INVALID', 'invalid configuration', 'device', [
      { path: 'groups[7].device', field: 'device', message: 'unknown device "nodev"' },
      { path: 'groups[7].trigger.bit', field: 'trigger.bit', message: 'not a bit address' },
      { path: 'groups[2].tags[0].name', field: 'groups[2].tags[0].name', message: 'tag "x" exists in group "oven"' },
    ]);
    const e = fromApiError(err, new Set(['device', 'trigger.bit']));
    expect(e.fields).toEqual({ device: 'unknown device "nodev"', 'trigger.bit': 'not a bit address' });
    expect(e.form).toEqual(['groups[2].tags[0].name: tag "x" exists in group "oven"']);
  });

  it('lists a conflict’s blockers', () => {
    const err = new ApiError(409, 'CONFLICT', 'device "line1" is used by groups', undefined, [], ['press-fast', 'oven']);
    expect(fromApiError(err, KNOWN_DEVICE).form).toEqual(['device "line1" is used by groups', 'in the way: press-fast, oven']);
  });

  it('clears a field’s error as soon as it is edited', () => {
    createRoot(() => {
      const form = createFormModel({ port: '99999' });
      form.setErrors({ fields: { port: 'Too big' }, form: [] });
      expect(form.error('port')).toBe('Too big');
      form.set('port', '502');
      expect(form.error('port')).toBeUndefined();
    });
  });
});

describe('tag decimals in the form (issue 14)', () => {
  it('round-trips decimals: an edit keeps them, an empty field leaves the default', () => {
    const values = tagValues({ name: 't', address: 'D1', type: 'float32', decimals: 2, group: 'g' } as Parameters<typeof tagValues>[0]);
    expect(values.decimals).toBe('2');
    expect(tagBody(values)).toMatchObject({ decimals: 2 });
    expect(tagBody({ ...values, decimals: '' })).not.toHaveProperty('decimals');
  });
});
