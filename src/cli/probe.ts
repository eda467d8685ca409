import { performance } from 'node:perf_hooks';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { deviceSchema, tagSchema, type DeviceConfig, type TagConfig } from '../io/config/schema.js';
import { formatPath } from '../io/config/config-error.js';
import type { DeviceDriver } from '../io/driver.js';
import { DeviceError } from '../io/errors.js';
import { McEndCodeError } from '../io/mc/codec/end-codes.js';
import { ModbusExceptionError } from '../io/modbus/exceptions.js';
import { protocolOf } from '../io/protocols.js';
import { DATA_TYPES, Quality, type DataType, type PollBatch, type TagSpec } from '../io/types.js';
import { silentLogger } from '../log.js';
import type { CliIo } from './main.js';

/**
 * `jsscada probe`: commissioning. Connect to one device from the command line and read the
 * addresses given, before a plant file exists. The device options are the plant file's device
 * fields by the same names (built from deviceSchema, so they cannot drift), validated by the
 * same schema; the reads go through the real driver and device link.
 *
 * Exit codes: 0 every address read; 1 no answer (connection refused, timeout, closed);
 * 2 bad usage (options, addresses); 3 the device answered with an error (end code, exception).
 */

export const PROBE_EXIT = { OK: 0, NO_ANSWER: 1, USAGE: 2, DEVICE_ERROR: 3 } as const;

/** Device fields that make no sense on the command line. */
const NOT_OPTIONS = new Set(['name', 'enabled']);
const deviceFields = Object.keys(deviceSchema.shape).filter((k) => !NOT_OPTIONS.has(k));

/** Probe defaults differ from a running collector's: one quick try, so a dead address answers fast. */
const PROBE_DEFAULTS = { retries: 0, connectTimeoutMs: 3000 } as const;

export const PROBE_HELP = `Usage: jsscada probe --protocol mc3e|mc4e|modbus --host HOST --port N [device options] ADDRESS[:TYPE[:LENGTH]]...

Connects to one device and reads the addresses given, printing each value, the round-trip time
and, when the device refuses, its end code or exception by name. Nothing is written to the PLC.
  jsscada probe --protocol mc3e --host 10.0.0.5 --port 5000 --encoding binary D100 M10 D200:float32
  jsscada probe --protocol modbus --host 10.0.0.7 --port 502 --unitId 3 HR5:float32 C10

Device options are the plant file's device fields, by the same names:
  ${deviceFields.map((f) => `--${f}`).join(' ')}
  (--unit is short for --unitId). Defaults as in the plant file, except --retries 0 and
  --connectTimeoutMs 3000. TYPE is one of ${DATA_TYPES.join(', ')}; the default is bit for a
  bit address (M10, X1A, C10, DI3, D100.3), int16 otherwise. string needs LENGTH (words).
  --count N    read N times (default 1) and report the round trip min/avg/max
Exit codes: 0 read, 1 no answer (refused, timeout), 2 bad usage, 3 the device answered with an error.`;

const OPTIONS = {
  ...Object.fromEntries(deviceFields.map((f) => [f, { type: 'string' }])),
  unit: { type: 'string' },
  count: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as ParseArgsConfig['options'];

class ProbeUsage extends Error {}

/** The device from the options, validated by the plant file's schema (errors name the option). */
function deviceFromOptions(values: Record<string, string | boolean | undefined>): DeviceConfig {
  const raw: Record<string, unknown> = { name: 'probe', ...PROBE_DEFAULTS };
  if (values.unit !== undefined) raw.unitId = values.unit;
  for (const field of deviceFields) if (values[field] !== undefined) raw[field] = values[field];
  if (raw.protocol === undefined) throw new ProbeUsage('--protocol is required (mc3e, mc4e or modbus)');
  if (raw.port === undefined) throw new ProbeUsage('--port is required (MC: the port opened in the PLC\'s Ethernet settings; Modbus TCP: usually 502)');
  // Options arrive as text: numbers and booleans are converted where the schema wants them.
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') continue;
    if (/^-?\d+(\.\d+)?$/.test(value) && key !== 'host') raw[key] = Number(value);
    else if (value === 'true' || value === 'false') raw[key] = value === 'true';
  }
  const parsed = deviceSchema.safeParse(raw);
  if (!parsed.success) throw new ProbeUsage(parsed.error.issues.map((i) => `--${formatPath(i.path)}: ${i.message}`).join('\n'));
  return parsed.data;
}

/** `D200:float32`, `D300:string:10`, `M10` -> a tag; the default type from the protocol's own bit check. */
function tagFromArg(arg: string, index: number, device: DeviceConfig): TagConfig {
  const [address = '', type, length] = arg.split(':');
  const protocol = protocolOf(device.protocol);
  let chosen: DataType;
  if (type !== undefined) {
    if (!(DATA_TYPES as readonly string[]).includes(type)) throw new ProbeUsage(`${arg}: unknown type "${type}" (${DATA_TYPES.join(', ')})`);
    chosen = type as DataType;
  } else {
    chosen = protocol.checkTag(tagSchema.parse({ name: `t${index}`, address, type: 'bit' }), device) === null ? 'bit' : 'int16';
  }
  const parsed = tagSchema.safeParse({ name: `t${index}`, address, type: chosen, ...(length !== undefined ? { length: Number(length) } : {}) });
  if (!parsed.success) throw new ProbeUsage(`${arg}: ${parsed.error.issues.map((i) => `${formatPath(i.path)} ${i.message}`).join('; ')}`);
  const problem = protocol.checkTag(parsed.data, device);
  if (problem) throw new ProbeUsage(`${arg}: ${problem}`);
  return parsed.data;
}

function specOf(tag: TagConfig, index: number, label: string): TagSpec {
  return { id: index + 1, name: label, address: tag.address, type: tag.type, length: tag.length, wordOrder: tag.wordOrder };
}

/** A value as a person reads it: float32 to its 7 significant digits (no 86.09999847). */
export function probeValue(type: DataType, batch: PollBatch, i: number): string {
  if (type === 'string') return JSON.stringify(batch.texts?.[i] ?? '');
  const v = batch.values[i]!;
  if (type === 'bit') return v ? '1 (ON)' : '0 (OFF)';
  if (type === 'float32') return String(Number(v.toPrecision(7)));
  return String(v);
}

/** An error by name: MC end code, Modbus exception, or the socket error's code. */
export function describeProbeError(err: unknown): string {
  if (err instanceof McEndCodeError) return `end code ${err.endCode.toString(16).toUpperCase().padStart(4, '0')} ${err.endCodeName}: ${err.description}`;
  if (err instanceof ModbusExceptionError) return `Modbus exception ${err.exceptionCode} ${err.exceptionName}`;
  if (err instanceof Error) {
    // The device link wraps the socket error (offline -> connect -> ECONNREFUSED): name the
    // innermost one, which is what a person can act on.
    let inner: Error = err;
    for (let e: unknown = err.cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) inner = e;
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${inner.message}` : inner.message;
  }
  return String(err);
}

export async function probeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let device: DeviceConfig;
  let tags: TagConfig[];
  let count: number;
  let labels: string[];
  try {
    const parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const positionals = parsed.positionals;
    if (values.help) return io.out(PROBE_HELP), 0;
    device = deviceFromOptions(values);
    if (device.protocol === 'sim') throw new ProbeUsage('--protocol sim is the built-in test driver: nothing to probe');
    if (positionals.length === 0) throw new ProbeUsage('give at least one ADDRESS to read, e.g. D100 or HR5:float32');
    tags = positionals.map((arg, i) => tagFromArg(arg, i, device));
    count = values.count === undefined ? 1 : Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new ProbeUsage(`--count must be a whole number from 1 to 10000, got "${String(values.count)}"`);
    labels = positionals;
  } catch (err) {
    io.err(`jsscada probe: ${(err as Error).message}\n\n${PROBE_HELP}`);
    return PROBE_EXIT.USAGE;
  }

  const target = `${device.protocol} ${device.host}:${device.port}${device.protocol === 'modbus' ? ` unit ${device.unitId}` : ` ${device.encoding} series ${device.series}`}`;
  const driver: DeviceDriver = protocolOf(device.protocol).createDriver(device, { logger: silentLogger() });
  try {
    const specs = tags.map((t, i) => specOf(t, i, labels[i]!));
    const plan = driver.plan(specs);
    const times: number[] = [];
    let batch!: PollBatch;
    for (let n = 0; n < count; n++) {
      const started = performance.now();
      try {
        batch = await driver.read(plan);
      } catch (err) {
        if (err instanceof DeviceError) return await perAddress(driver, specs, target, io);
        io.err(`jsscada probe: no answer from ${target}: ${describeProbeError(err)}`);
        io.err(hintFor(err, device));
        return PROBE_EXIT.NO_ANSWER;
      }
      times.push(performance.now() - started);
    }
    io.out(`${target}: ${plan.requestCount} request${plan.requestCount === 1 ? '' : 's'}, round trip ${roundTrip(times)}`);
    let refused = false;
    const width = Math.max(...specs.map((s) => s.name.length));
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (batch.quality[i] === Quality.GOOD) io.out(`  ${spec.name.padEnd(width)}  ${spec.type.padEnd(7)}  ${probeValue(spec.type, batch, i)}`);
      else {
        // The planner isolated a refused range: ask for this address alone to get its end code / exception.
        refused = true;
        io.out(`  ${spec.name.padEnd(width)}  ${spec.type.padEnd(7)}  ${await readAlone(driver, spec)}`);
      }
    }
    return refused ? PROBE_EXIT.DEVICE_ERROR : PROBE_EXIT.OK;
  } finally {
    await driver.close().catch(() => undefined);
  }
}

async function readAlone(driver: DeviceDriver, spec: TagSpec): Promise<string> {
  try {
    const batch = await driver.read(driver.plan([spec]));
    return batch.quality[0] === Quality.GOOD ? probeValue(spec.type, batch, 0) : `BAD (quality ${batch.quality[0]})`;
  } catch (err) {
    return `REFUSED ${describeProbeError(err)}`;
  }
}

/** The device refused the read: read each address alone so every refusal is named per address. */
async function perAddress(driver: DeviceDriver, specs: readonly TagSpec[], target: string, io: CliIo): Promise<number> {
  io.out(`${target}: the device answered with an error; reading each address alone:`);
  const width = Math.max(...specs.map((s) => s.name.length));
  for (const spec of specs) io.out(`  ${spec.name.padEnd(width)}  ${spec.type.padEnd(7)}  ${await readAlone(driver, spec)}`);
  return PROBE_EXIT.DEVICE_ERROR;
}

function roundTrip(times: readonly number[]): string {
  const ms = (t: number) => `${t.toFixed(1)} ms`;
  if (times.length === 1) return `${ms(times[0]!)} (includes connecting)`;
  const rest = times.slice(1);
  return `first ${ms(times[0]!)} (includes connecting), then min ${ms(Math.min(...rest))} avg ${ms(rest.reduce((a, b) => a + b, 0) / rest.length)} max ${ms(Math.max(...rest))} over ${rest.length}`;
}

/** What usually causes a socket error, pointing at docs/plc-setup.md. */
function hintFor(err: unknown, device: DeviceConfig): string {
  const text = describeProbeError(err);
  const mc = device.protocol !== 'modbus';
  if (/ECONNREFUSED/.test(text)) return `  hint: nothing accepts TCP connections on ${device.host}:${device.port}. ${mc ? 'Check the port and TCP/UDP in the PLC\'s Ethernet open settings (GX Works), and that the settings were written to the PLC and the PLC reset.' : 'Check the port (Modbus TCP: 502) and that the device\'s Modbus TCP server is enabled.'} See docs/plc-setup.md.`;
  if (/ETIMEDOUT|TIMEOUT|timed out/i.test(text)) return `  hint: no answer in time. ${mc ? 'Check the IP address, the subnet, and binary vs ASCII (--encoding) and 3E vs 4E (--protocol): a PLC ignores frames it cannot parse.' : 'Check the IP address and --unitId (a gateway may not answer for an unknown unit).'} See docs/plc-setup.md.`;
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return '  hint: no route to the host: check the cable, the IP address and the subnet mask of this PC. See docs/plc-setup.md.';
  if (/ECONNRESET|closed/i.test(text)) return `  hint: the connection was closed by the other side. ${mc ? 'MC: the open setting may allow fewer connections than are in use, or the frame (3E/4E, binary/ASCII) does not match.' : ''} See docs/plc-setup.md.`;
  return '  See docs/plc-setup.md (troubleshooting).';
}


