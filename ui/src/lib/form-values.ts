import type { DeviceView, GroupView, TagView } from './schemas/config.js';
import type { FormValues } from './form-model.js';

/**
 * Between API objects and form text. Empty text means "not set" (the server's default applies);
 * text that is not a number is passed on as text, so the schema check reports "expected number"
 * on that field instead of the panel guessing.
 */

export function text(v: string | boolean | undefined): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

export function num(v: string | boolean | undefined): number | string | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  const n = Number(t);
  return Number.isFinite(n) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? n : t;
}

/** Drop undefined fields: "absent" and "undefined" differ for a strict schema and for JSON. */
export function compact(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

// Devices

export function deviceValues(d?: DeviceView): FormValues {
  return {
    name: s(d?.name),
    protocol: d?.protocol ?? 'mc3e',
    host: d?.host ?? '127.0.0.1',
    port: s(d?.port),
    encoding: d?.encoding ?? 'binary',
    series: d?.series ?? 'q',
    network: s(d?.network ?? 0),
    station: s(d?.station ?? 255),
    pipeline: d?.pipeline ?? false,
    transport: d?.transport ?? 'tcp',
    localPort: s(d?.localPort),
    unitId: s(d?.unitId ?? 1),
    addressBase: s(d?.addressBase ?? 0),
    wordOrder: d?.wordOrder ?? '',
    byteOrder: d?.byteOrder ?? '',
    connectTimeoutMs: s(d?.connectTimeoutMs ?? 10_000),
    timeoutMs: s(d?.timeoutMs ?? 2_000),
    retries: s(d?.retries ?? 3),
    retryDelayMs: s(d?.retryDelayMs ?? 200),
    // Empty: the collector's default (60 s).
    refusedRetryMs: s(d?.refusedRetryMs),
    enabled: d?.enabled ?? true,
  };
}

export function deviceBody(v: FormValues): Record<string, unknown> {
  return compact({
    name: text(v.name),
    protocol: text(v.protocol),
    host: text(v.host),
    port: num(v.port),
    encoding: text(v.encoding),
    series: text(v.series),
    network: num(v.network),
    station: num(v.station),
    pipeline: v.pipeline === true,
    transport: text(v.transport),
    localPort: num(v.localPort),
    unitId: num(v.unitId),
    addressBase: num(v.addressBase),
    wordOrder: text(v.wordOrder),
    byteOrder: text(v.byteOrder),
    connectTimeoutMs: num(v.connectTimeoutMs),
    timeoutMs: num(v.timeoutMs),
    retries: num(v.retries),
    retryDelayMs: num(v.retryDelayMs),
    refusedRetryMs: num(v.refusedRetryMs),
    enabled: v.enabled === true,
  });
}

// Groups (the group's own fields; tags have their own form)

export function groupValues(g?: GroupView): FormValues {
  return {
    name: s(g?.name),
    device: g?.device ?? '',
    mode: g?.mode ?? 'fixed',
    intervalMs: s(g?.intervalMs ?? 1000),
    enabled: g?.enabled ?? true,
    'trigger.bit': s(g?.trigger?.bit),
    'trigger.ack': s(g?.trigger?.ack),
    'trigger.watchMs': s(g?.trigger?.watchMs ?? 100),
    'record.mode': g?.record?.mode ?? '',
    'record.deadband': s(g?.record?.deadband),
    'record.deadbandPercent': s(g?.record?.deadbandPercent),
    'record.heartbeatS': s(g?.record?.heartbeatS),
  };
}

/** The group's fields; `trigger` and `record` are null when not set (PATCH removes them). */
export function groupFields(v: FormValues): Record<string, unknown> {
  const handshake = v.mode === 'handshake';
  const trigger = handshake ? compact({ bit: text(v['trigger.bit']), ack: text(v['trigger.ack']), watchMs: num(v['trigger.watchMs']) }) : null;
  const record = compact({
    mode: text(v['record.mode']),
    deadband: num(v['record.deadband']),
    deadbandPercent: num(v['record.deadbandPercent']),
    heartbeatS: num(v['record.heartbeatS']),
  });
  return compact({
    name: text(v.name),
    device: text(v.device),
    mode: text(v.mode),
    intervalMs: num(v.intervalMs),
    enabled: v.enabled === true,
    trigger: trigger && Object.keys(trigger).length > 0 ? trigger : handshake ? {} : null,
    record: Object.keys(record).length > 0 ? record : null,
  });
}

/** For POST and for the schema check: nulls mean "absent". */
export function withoutNulls(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = v;
  return out;
}

// Tags

export function tagValues(t?: TagView): FormValues {
  return {
    name: s(t?.name),
    address: s(t?.address),
    type: t?.type ?? 'int16',
    length: s(t?.length),
    wordOrder: t?.wordOrder ?? '',
    scale: s(t?.scale),
    offset: s(t?.offset),
    unit: s(t?.unit),
    warn: s(t?.warn),
    crit: s(t?.crit),
    decimals: s(t?.decimals),
    description: s(t?.description),
  };
}

export function tagBody(v: FormValues): Record<string, unknown> {
  return compact({
    name: text(v.name),
    address: text(v.address),
    type: text(v.type),
    length: num(v.length),
    wordOrder: text(v.wordOrder),
    scale: num(v.scale),
    offset: num(v.offset),
    unit: text(v.unit),
    warn: num(v.warn),
    crit: num(v.crit),
    decimals: num(v.decimals),
    description: text(v.description),
  });
}

/** Form fields of a tag inside a group form (the first tag of a new group): "tags[0].address". */
export function prefixed(values: FormValues, prefix: string): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(values)) out[`${prefix}${k}`] = v;
  return out;
}

export function unprefixed(values: FormValues, prefix: string): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(values)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}
