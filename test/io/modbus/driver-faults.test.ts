import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceDriver } from '../../../src/io/driver.js';
import { CommError } from '../../../src/io/errors.js';
import { ModbusSession } from '../../../src/io/modbus/client.js';
import { startModbusSimulator, type ModbusSimulator } from '../../../src/io/modbus/simulator/index.js';
import { driverFor, failureOf, tag } from './helpers.js';

/**
 * Every fault switch of the simulator against the driver and its device link: the expected
 * error and status, no crash, and a clean recovery once the fault is gone.
 */

let sims: ModbusSimulator[] = [];
let drivers: DeviceDriver[] = [];
async function sim(port = 0): Promise<ModbusSimulator> {
  const s = await startModbusSimulator({ port });
  sims.push(s);
  return s;
}
function driver(s: Pick<ModbusSimulator, 'port'>, device: Parameters<typeof driverFor>[1] = {}): DeviceDriver {
  const d = driverFor(s, device);
  drivers.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  drivers = [];
});

/** Values spread over three requests, so a fault can strike between them too. */
function fill(s: ModbusSimulator): void {
  s.memory.set('HR0', 'float64', 1.125);
  s.memory.set('HR200', 'int32', -42);
  s.memory.setString('HR400', 'SPLIT-ME', 4);
}
/** The link's reconnect backoff is 0 ms in these tests, but it still ends on a timer: let it fire. */
const backoffOver = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

const spread = () => [tag('HR0', 'float64'), tag('HR200', 'int32'), tag('HR400', 'string', { length: 4 })];

describe('Modbus fault switches', () => {
  it('reassembles replies split into single bytes', async () => {
    const s = await sim();
    fill(s);
    s.faults.set({ splitBytes: 1 });
    const d = driver(s);
    const batch = await d.read(d.plan(spread()));
    expect([batch.values[0], batch.values[1], batch.texts?.[2]]).toEqual([1.125, -42, 'SPLIT-ME']);
  });

  it('waits for a slow device that answers within the timeout', async () => {
    const s = await sim();
    fill(s);
    s.faults.set({ latencyMs: 40 });
    const d = driver(s, { timeoutMs: 400 });
    expect((await d.read(d.plan(spread()))).values[1]).toBe(-42);
    expect(d.status().state).toBe('ONLINE');
  });

  it('never takes a late reply as the answer to the next request', async () => {
    const s = await sim();
    s.memory.set('HR0', 'uint16', 1);
    s.memory.set('HR300', 'uint16', 2);
    const d = driver(s, { timeoutMs: 100, retries: 1 });
    const first = d.plan([tag('HR0', 'uint16')]);
    const second = d.plan([tag('HR300', 'uint16')]);
    // The first reply comes 250 ms late: the link times out, drops the session and retries.
    s.faults.set({ lateReplies: 1, lateReplyMs: 250 });
    expect((await d.read(first)).values[0]).toBe(1);
    expect(s.requestCount()).toBe(2); // the late one, then the retry on a new connection
    // Ask a different address while the late reply (value 1) is still due: we must get 2.
    expect((await d.read(second)).values[0]).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await d.read(second)).values[0]).toBe(2);
    expect(d.status().state).toBe('ONLINE');
  });

  it('times out on silence and goes OFFLINE after the retries', async () => {
    const s = await sim();
    s.faults.set({ silent: true });
    const d = driver(s, { timeoutMs: 80, retries: 1 });
    const err = await failureOf(d.read(d.plan([tag('HR0')])));
    // The link gives up after the retry and fails the job as offline, the timeout as its cause.
    expect(err).toBeInstanceOf(CommError);
    expect((err as CommError).code).toBe('OFFLINE');
    expect(s.requestCount()).toBe(2); // the first attempt and one retry
    expect(d.status()).toMatchObject({ state: 'OFFLINE', lastError: expect.stringMatching(/no reply within 80 ms/) });
    s.faults.reset();
    await backoffOver();
    await d.read(d.plan([tag('HR0')]));
    expect(d.status().state).toBe('ONLINE');
  });

  it('survives a connection reset in the middle of a reply', async () => {
    const s = await sim();
    fill(s);
    s.faults.set({ resetMidResponse: true });
    const d = driver(s, { retries: 1 });
    const plan = d.plan(spread());
    const err = await failureOf(d.read(plan));
    expect(err).toBeInstanceOf(CommError);
    // Usually ECONNRESET; on a loaded machine the RST can arrive with the half frame, which Linux reports as a close.
    expect(d.status()).toMatchObject({ state: 'OFFLINE', lastError: expect.stringMatching(/lost: .*ECONNRESET|closed the connection/) });
    s.faults.reset();
    await backoffOver();
    expect((await d.read(plan)).values[0]).toBe(1.125);
    expect(d.status().state).toBe('ONLINE');
  });

  it('reconnects after the device is stopped and started again on the same port', async () => {
    const s = await sim();
    const port = s.port;
    s.memory.set('HR0', 'int16', 7);
    const d = driver(s, { retries: 0 });
    const plan = d.plan([tag('HR0')]);
    expect((await d.read(plan)).values[0]).toBe(7);
    await s.close();
    expect(await failureOf(d.read(plan))).toBeInstanceOf(CommError);
    expect(d.status().state).toBe('OFFLINE');
    const again = await sim(port);
    again.memory.set('HR0', 'int16', 8);
    await backoffOver();
    expect((await d.read(plan)).values[0]).toBe(8);
    expect(d.status().state).toBe('ONLINE');
  });

  it('fails to connect with a CommError naming the endpoint', async () => {
    const s = await sim();
    const port = s.port;
    await s.close();
    const d = driver({ port });
    const err = await failureOf(d.read(d.plan([tag('HR0')])));
    expect(err).toBeInstanceOf(CommError);
    expect((err as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});

describe('ModbusSession (below the link)', () => {
  it('drops itself when a request is aborted, so a late reply lands on a dead socket', async () => {
    const s = await sim();
    s.faults.set({ silent: true });
    const session = await ModbusSession.open({ host: '127.0.0.1', port: s.port, unitId: 1, backstopTimeoutMs: 5000 }, AbortSignal.timeout(1000));
    const err = await failureOf(session.readRegisters('holding', 0, 1, AbortSignal.timeout(50)));
    expect(err).toBeInstanceOf(CommError);
    expect(session.closed).toBe(true);
    expect(await failureOf(session.readRegisters('holding', 0, 1, AbortSignal.timeout(50)))).toBeInstanceOf(CommError);
  });

  it('turns modbus-serial\'s own timeout into a CommError too', async () => {
    const s = await sim();
    s.faults.set({ silent: true });
    const session = await ModbusSession.open({ host: '127.0.0.1', port: s.port, unitId: 1, backstopTimeoutMs: 50 }, AbortSignal.timeout(1000));
    expect(await failureOf(session.readBits('coil', 0, 8, AbortSignal.timeout(5000)))).toMatchObject({ code: 'TIMEOUT' });
    expect(session.closed).toBe(true);
  });

  it('rejects a pending request at once when the peer closes the connection', async () => {
    const s = await sim();
    s.faults.set({ silent: true });
    const session = await ModbusSession.open({ host: '127.0.0.1', port: s.port, unitId: 1, backstopTimeoutMs: 5000 }, AbortSignal.timeout(1000));
    const pending = failureOf(session.readRegisters('input', 0, 1, AbortSignal.timeout(5000)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await s.close();
    expect(await pending).toMatchObject({ name: 'CommError' });
  });
});
