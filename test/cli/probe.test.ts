/**
 * `jsscada probe` (issue 14: commissioning, checking a PLC before writing a plant file):
 * against the MC and Modbus simulators, and against nothing listening.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { startMcSimulator, type McSimulator } from '../../src/io/mc/simulator/index.js';
import { startModbusSimulator, type ModbusSimulator } from '../../src/io/modbus/simulator/index.js';

function capture(): CliIo & { stdout: string[]; stderr: string[]; text: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), text: () => [...stdout, ...stderr].join('\n') };
}

async function probe(...args: string[]) {
  const io = capture();
  const code = await main(['probe', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

let mc3e: McSimulator;
let mc4e: McSimulator;
let modbus: ModbusSimulator;
beforeAll(async () => {
  mc3e = await startMcSimulator({ port: 0, encoding: 'binary' });
  mc3e.memory.setWord('D100', 123);
  mc3e.memory.setBit('M10', true);
  mc3e.memory.setValue('D200', 'float32', 86.1);
  mc4e = await startMcSimulator({ port: 0, encoding: 'ascii' });
  mc4e.memory.setWord('D100', 4567);
  mc4e.memory.setString('D600', 'RECIPE-7', 4);
  modbus = await startModbusSimulator({ port: 0, unitIds: [3], tableSizes: { holding: 100 } });
  modbus.memory.set('HR5', 'float32', 1.5);
  modbus.memory.set('C10', 'int16', 1);
});
afterAll(async () => {
  await Promise.all([mc3e?.close(), mc4e?.close(), modbus?.close()]);
});

describe('jsscada probe', () => {
  it('MC 3E binary: prints each value by address and type, the requests and the round trip', async () => {
    const r = await probe('--protocol', 'mc3e', '--host', '127.0.0.1', '--port', String(mc3e.port), '--encoding', 'binary', 'D100', 'M10', 'D200:float32');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^mc3e 127\\.0\\.0\\.1:${mc3e.port} binary series q: \\d+ requests?, round trip \\d+\\.\\d ms`));
    expect(r.out).toMatch(/D100\s+int16\s+123$/m);
    expect(r.out).toMatch(/M10\s+bit\s+1 \(ON\)$/m);
    // float32 shown to its precision: 86.1, not 86.09999847412109.
    expect(r.out).toMatch(/D200:float32\s+float32\s+86\.1$/m);
  });

  it('MC 4E ASCII with --count: a string and the round trip over several reads', async () => {
    const r = await probe('--protocol', 'mc4e', '--port', String(mc4e.port), '--encoding', 'ascii', '--count', '3', 'D100', 'D600:string:4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/round trip first \d+\.\d ms \(includes connecting\), then min \d+\.\d ms avg \d+\.\d ms max \d+\.\d ms over 2/);
    expect(r.out).toMatch(/D100\s+int16\s+4567$/m);
    expect(r.out).toMatch(/D600:string:4\s+string\s+"RECIPE-7"$/m);
  });

  it('MC: an address the PLC refuses is named with its end code; the others still read (exit 3)', async () => {
    const r = await probe('--protocol', 'mc3e', '--port', String(mc3e.port), 'D100', 'ZR100000');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/D100\s+int16\s+123/);
    expect(r.out).toMatch(/ZR100000\s+int16\s+REFUSED end code C056 ADDRESS_OUT_OF_RANGE/);
  });

  it('Modbus TCP: --unit, a float32 holding register and a coil; an exception by name', async () => {
    const ok = await probe('--protocol', 'modbus', '--host', '127.0.0.1', '--port', String(modbus.port), '--unit', '3', 'HR5:float32', 'C10');
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(new RegExp(`^modbus 127\\.0\\.0\\.1:${modbus.port} unit 3:`));
    expect(ok.out).toMatch(/HR5:float32\s+float32\s+1\.5$/m);
    expect(ok.out).toMatch(/C10\s+bit\s+1 \(ON\)$/m);
    const refused = await probe('--protocol', 'modbus', '--port', String(modbus.port), '--unitId', '3', 'HR5', 'HR200');
    expect(refused.code).toBe(3);
    expect(refused.out).toMatch(/HR200\s+int16\s+REFUSED Modbus exception 2 ILLEGAL DATA ADDRESS/);
  });

  it('Modbus TCP: a unit id nobody answers for times out with a hint about the unit id (exit 1)', async () => {
    const r = await probe('--protocol', 'modbus', '--port', String(modbus.port), '--unitId', '9', '--timeoutMs', '300', 'HR5');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`no answer from modbus 127.0.0.1:${modbus.port} unit 9`);
    expect(r.err).toContain('--unitId');
  });

  it('nothing listening: a clear message naming the socket error, a hint, exit 1', async () => {
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const r = await probe('--protocol', 'mc3e', '--host', '127.0.0.1', '--port', String(free), 'D100');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`jsscada probe: no answer from mc3e 127.0.0.1:${free}`);
    expect(r.err).toContain('ECONNREFUSED');
    expect(r.err).toContain('hint: nothing accepts TCP connections');
    expect(r.err).not.toContain('[object Object]');
  });

  it('bad usage names the option or the address, exit 2', async () => {
    expect((await probe('--host', 'x', '--port', '1', 'D1')).err).toContain('--protocol is required');
    const unit = await probe('--protocol', 'modbus', '--port', '502', '--unitId', '999', 'HR1');
    expect(unit.code).toBe(2);
    expect(unit.err).toContain('--unitId');
    const addr = await probe('--protocol', 'mc3e', '--port', '5000', 'QQ5');
    expect(addr.code).toBe(2);
    expect(addr.err).toContain('QQ5');
    expect((await probe('--protocol', 'mc3e', '--port', '5000', 'D1:float99')).err).toContain('unknown type "float99"');
    expect((await probe('--protocol', 'mc3e', '--port', '5000', '--bogus', 'D1')).code).toBe(2);
  });

  it('its options are the plant file device fields', async () => {
    const io = capture();
    expect(await main(['probe', '--help'], io)).toBe(0);
    for (const field of ['--protocol', '--host', '--port', '--encoding', '--series', '--network', '--station', '--unitId', '--addressBase', '--timeoutMs']) expect(io.text()).toContain(field);
  });
});

describe('jsscada probe over 1E and UDP (issue 19)', () => {
  it('an FX3 over 1E, TCP and UDP, binary and ASCII: values by address with octal X', async () => {
    for (const transport of ['tcp', 'udp'] as const) {
      for (const encoding of ['binary', 'ascii'] as const) {
        const sim = await startMcSimulator({ port: 0, series: 'fx3', encoding, transport });
        try {
          sim.memory.setWord('D100', 321);
          sim.memory.setBit('X17', true);
          const r = await probe('--protocol', 'mc1e', '--series', 'fx3', '--transport', transport, '--port', String(sim.port), '--encoding', encoding, 'D100', 'X17');
          expect(r.err, `${transport} ${encoding}`).toBe('');
          expect(r.code, `${transport} ${encoding}`).toBe(0);
          expect(r.out).toMatch(/D100\s+int16\s+321$/m);
          expect(r.out).toMatch(/X17\s+bit\s+1 \(ON\)$/m);
        } finally {
          await sim.close();
        }
      }
    }
  });

  it('a Q over 3E and 4E UDP', async () => {
    for (const protocol of ['mc3e', 'mc4e'] as const) {
      const sim = await startMcSimulator({ port: 0, encoding: 'binary', transport: 'udp' });
      try {
        sim.memory.setWord('D7', 77);
        const r = await probe('--protocol', protocol, '--transport', 'udp', '--port', String(sim.port), 'D7');
        expect(r.code, protocol).toBe(0);
        expect(r.out).toMatch(/D7\s+int16\s+77$/m);
      } finally {
        await sim.close();
      }
    }
  });

  it('UDP with nothing answering: no answer within the retries, exit 1 with a hint', async () => {
    const r = await probe('--protocol', 'mc3e', '--transport', 'udp', '--port', '9', '--timeoutMs', '100', '--retries', '1', 'D0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no answer from mc3e 127\.0\.0\.1:9/);
    expect(r.err).toMatch(/hint: no answer in time/);
  });
});
