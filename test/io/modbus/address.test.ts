import { describe, expect, it } from 'vitest';
import { AddressError } from '../../../src/io/errors.js';
import { formatModbusAddress, parseModbusAddress } from '../../../src/io/modbus/address.js';
import { resolveModbusBit, resolveModbusTag } from '../../../src/io/modbus/tag-check.js';
import { modbusProtocol } from '../../../src/io/modbus/index.js';
import { deviceSchema, tagSchema } from '../../../src/io/config/schema.js';

const at = (text: string, base: 0 | 1 = 0): string => formatModbusAddress(parseModbusAddress(text, base));

describe('parseModbusAddress', () => {
  it('reads the prefix form as zero-based protocol addresses', () => {
    expect(parseModbusAddress('HR100')).toEqual({ table: 'holding', offset: 100, bit: null });
    expect(parseModbusAddress('IR5')).toEqual({ table: 'input', offset: 5, bit: null });
    expect(parseModbusAddress('C10')).toEqual({ table: 'coil', offset: 10, bit: null });
    expect(parseModbusAddress('DI3')).toEqual({ table: 'discrete', offset: 3, bit: null });
    expect(parseModbusAddress('HR0')).toEqual({ table: 'holding', offset: 0, bit: null });
    expect(parseModbusAddress('HR65535').offset).toBe(65535);
  });

  it('accepts lower case and surrounding blanks', () => {
    expect(at(' hr100 ')).toBe('HR100');
    expect(at('di7')).toBe('DI7');
  });

  it('subtracts one with addressBase 1, so HR1 is the first register', () => {
    expect(parseModbusAddress('HR1', 1)).toEqual({ table: 'holding', offset: 0, bit: null });
    expect(at('HR101', 1)).toBe('HR100');
    expect(at('C1', 1)).toBe('C0');
    expect(at('HR65536', 1)).toBe('HR65535');
  });

  it('rejects address 0 on a one-based device, naming addressBase', () => {
    expect(() => parseModbusAddress('HR0', 1)).toThrow(/addressBase: 1/);
  });

  it('reads the 5-digit Modicon form, one-based whatever addressBase says', () => {
    expect(at('40101')).toBe('HR100');
    expect(at('40001')).toBe('HR0');
    expect(at('30001')).toBe('IR0');
    expect(at('10001')).toBe('DI0');
    expect(at('00001')).toBe('C0');
    expect(at('1')).toBe('C0');
    expect(at('49999')).toBe('HR9998');
    expect(at('40101', 1)).toBe('HR100');
  });

  it('reads the 6-digit Modicon form up to register 65536', () => {
    expect(at('400101')).toBe('HR100');
    expect(at('465536')).toBe('HR65535');
    expect(at('300001')).toBe('IR0');
    expect(at('000010')).toBe('C9');
  });

  it('reads a bit of a register in both forms', () => {
    expect(parseModbusAddress('HR100.3')).toEqual({ table: 'holding', offset: 100, bit: 3 });
    expect(parseModbusAddress('IR2.15')).toEqual({ table: 'input', offset: 2, bit: 15 });
    expect(parseModbusAddress('40101.3')).toEqual({ table: 'holding', offset: 100, bit: 3 });
  });

  it.each([
    ['HR65536', /0-65535/],
    ['40000', /1\.\.9999/],
    ['465537', /1\.\.65536/],
    ['20001', /start with 0 .*not 2/],
    ['C5.1', /only for registers/],
    ['DI0.0', /only for registers/],
    ['HR1.16', /0\.\.15/],
    ['D100', /expected HR<n>/],
    ['HR', /expected HR<n>/],
    ['HR-1', /expected HR<n>/],
    ['', /expected HR<n>/],
    ['4000001', /expected HR<n>/],
  ])('rejects %j with a reason', (text, reason) => {
    let error: unknown;
    try {
      parseModbusAddress(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AddressError);
    expect((error as AddressError).message).toMatch(reason);
    expect((error as AddressError).address).toBe(text);
  });
});

describe('resolveModbusTag (type against table)', () => {
  it('gives the span in registers of each type', () => {
    expect(resolveModbusTag('HR0', 'int16', undefined, 0).span).toBe(1);
    expect(resolveModbusTag('HR0', 'float32', undefined, 0).span).toBe(2);
    expect(resolveModbusTag('HR0', 'float64', undefined, 0).span).toBe(4);
    expect(resolveModbusTag('HR0', 'string', 10, 0).span).toBe(10);
    expect(resolveModbusTag('C0', 'bit', undefined, 0).span).toBe(1);
    expect(resolveModbusTag('HR0.1', 'bit', undefined, 0).span).toBe(1);
  });

  it.each([
    ['C10', 'float32', undefined, /coil .*only type "bit"/],
    ['DI3', 'int16', undefined, /discrete input .*only type "bit"/],
    ['HR5', 'bit', undefined, /needs the bit number, e\.g\. HR5\.0/],
    ['HR5.2', 'int16', undefined, /use type "bit"/],
    ['HR0', 'string', 126, /exceeds the 125 registers/],
    ['HR65535', 'float32', undefined, /runs past the last address/],
    ['HR0', 'string', undefined, /needs length/],
  ] as const)('rejects %s as %s', (address, type, length, reason) => {
    expect(() => resolveModbusTag(address, type, length, 0)).toThrow(reason);
  });
});

describe('modbusProtocol config checks', () => {
  const device = deviceSchema.parse({ name: 'm1', protocol: 'modbus', port: 502 });
  const oneBased = deviceSchema.parse({ name: 'm2', protocol: 'modbus', port: 502, addressBase: 1 });

  it('accepts good tags and returns the reason for bad ones', () => {
    expect(modbusProtocol.checkTag(tagSchema.parse({ name: 't', address: 'HR100', type: 'float32' }), device)).toBeNull();
    expect(modbusProtocol.checkTag(tagSchema.parse({ name: 't', address: 'C1', type: 'float32' }), device)).toMatch(/only type "bit"/);
    expect(modbusProtocol.checkTag(tagSchema.parse({ name: 't', address: 'HR0' }), oneBased)).toMatch(/addressBase: 1/);
  });

  it('takes coils, discrete inputs and register bits as handshake bits, not whole registers', () => {
    expect(modbusProtocol.checkBit('C100', device)).toBeNull();
    expect(modbusProtocol.checkBit('DI4', device)).toBeNull();
    expect(modbusProtocol.checkBit('HR10.0', device)).toBeNull();
    expect(modbusProtocol.checkBit('HR10', device)).toMatch(/name one bit/);
    expect(() => resolveModbusBit('Q1', 0)).toThrow(AddressError);
  });
});
