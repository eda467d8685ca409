import { fx3DeviceByCode } from '../codec/devices-1e.js';
import { createFieldReader, createFieldWriter, FieldError } from '../codec/fields.js';
import type { Mc1eRequest } from '../codec/requests-1e-reader.js';
import type { Encoding } from '../codec/wire.js';
import { MC1E_FX3_LIMITS, Mc1eWire } from '../codec/wire-1e.js';
import type { McMemory } from './memory.js';

/**
 * The simulated FX3 Ethernet adapter's 1E command processing: a request against the device
 * memory, giving a complete code (FX3U-ENET-ADP manual 9.3.2) and the response data. Pure.
 */

export const Sim1eCode = {
  UNSUPPORTED_COMMAND: 0x50,
  BAD_ASCII_DATA: 0x54,
  /** Wrong device, too many points, or head + points past the last device. */
  WRONG_DEVICE: 0x56,
  /** Write data count does not match the points. */
  WRONG_LENGTH: 0x57,
  /** Head outside the range, word device in a bit command, bit device head not a multiple of 16. */
  OUT_OF_RANGE: 0x58,
  ABNORMAL: 0x5b,
  /** Abnormal code after 5BH: the PC number is not FFH. */
  ABNORMAL_PC_NUMBER: 0x10,
} as const;

export interface Handler1eContext {
  readonly memory: McMemory;
  readonly encoding: Encoding;
}

export interface Handler1eResult {
  readonly completeCode: number;
  readonly abnormalCode?: number | undefined;
  readonly data?: Uint8Array | undefined;
}

class Complete extends Error {
  constructor(readonly code: number) {
    super(`complete code ${code.toString(16)}`);
  }
}

export function handle1eRequest(request: Mc1eRequest, ctx: Handler1eContext): Handler1eResult {
  if (request.pc !== Mc1eWire.PC_OWN) return { completeCode: Sim1eCode.ABNORMAL, abnormalCode: Sim1eCode.ABNORMAL_PC_NUMBER };
  try {
    const device = fx3DeviceByCode(request.deviceCode);
    if (!device) throw new Complete(Sim1eCode.WRONG_DEVICE);
    const { info } = device;
    const { number, points } = request;
    const size = ctx.memory.size(info);
    if (number >= size) throw new Complete(Sim1eCode.OUT_OF_RANGE);
    const out = createFieldWriter(ctx.encoding);
    const bitUnits = request.command === Mc1eWire.COMMAND_READ_BITS || request.command === Mc1eWire.COMMAND_WRITE_BITS;
    const write = request.command === Mc1eWire.COMMAND_WRITE_BITS || request.command === Mc1eWire.COMMAND_WRITE_WORDS;
    if (bitUnits) {
      if (info.kind !== 'bit') throw new Complete(Sim1eCode.OUT_OF_RANGE);
      if (points > (write ? MC1E_FX3_LIMITS.writeBits : MC1E_FX3_LIMITS.readBits)) throw new Complete(Sim1eCode.WRONG_DEVICE);
      if (!ctx.memory.fitsBits(info, number, points)) throw new Complete(Sim1eCode.WRONG_DEVICE);
      if (write) {
        const values = createFieldReader(request.data, ctx.encoding).bits(points);
        ctx.memory.writeBitUnits(info, number, values);
      } else {
        const values = ctx.memory.readBitUnits(info, number, points);
        // Odd counts carry a dummy point: half a byte in binary (manual 7.5.2), a "0" in ASCII.
        out.bits(points % 2 === 1 ? [...values, 0] : values);
      }
    } else {
      const bitDevice = info.kind === 'bit';
      if (bitDevice && number % 16 !== 0) throw new Complete(Sim1eCode.OUT_OF_RANGE);
      const limit = bitDevice
        ? write ? MC1E_FX3_LIMITS.writeBitDeviceWords : MC1E_FX3_LIMITS.readBitDeviceWords
        : write ? MC1E_FX3_LIMITS.writeWords : MC1E_FX3_LIMITS.readWords;
      if (points > limit) throw new Complete(Sim1eCode.WRONG_DEVICE);
      if (!ctx.memory.fitsWords(info, number, points)) throw new Complete(Sim1eCode.WRONG_DEVICE);
      if (write) {
        const reader = createFieldReader(request.data, ctx.encoding);
        const values = Array.from({ length: points }, () => reader.u16());
        ctx.memory.writeWordUnits(info, number, values);
      } else {
        for (const word of ctx.memory.readWordUnits(info, number, points)) out.u16(word);
      }
    }
    return { completeCode: Mc1eWire.COMPLETE_OK, data: out.finish() };
  } catch (err) {
    if (err instanceof Complete) return { completeCode: err.code };
    if (err instanceof FieldError) return { completeCode: err.kind === 'short' ? Sim1eCode.WRONG_LENGTH : Sim1eCode.BAD_ASCII_DATA };
    throw err;
  }
}
