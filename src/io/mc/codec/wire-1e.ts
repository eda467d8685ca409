/**
 * Wire constants of the A-compatible 1E frame, as the FX3U-ENET-ADP and FX3U-ENET-L speak it
 * (FX3U-ENET-ADP User's Manual, 7.3 "Message formats and control procedures", 7.4 "List of
 * commands and functions", 7.5 "Device memory read/write", 9.3 "End codes"; FX3U-ENET User's
 * Manual, 9 "When communicating data using the MC protocol", device list; read on manualslib.com
 * and manualshive.com). 1E shares nothing of the 3E/4E header: no route, no length
 * field. A request is
 *
 *   binary  subheader(1) PC no.(1) monitoring timer(2, LE) head device no.(4, LE) device code(2, LE)
 *           points(1, 0 = 256) 00(1) [write data]
 *   ASCII   the same fields as uppercase hex text, most significant first, EXCEPT that the device
 *           code comes before the head device number ("4420" "00000064" for D100)
 *
 * and a response is subheader (the command + 80H), complete code (00 = normal), then the data; a
 * complete code 5BH is followed by an abnormal code and 00.
 */
export enum Mc1eWire {
  /** Command (= request subheader): batch read in bit units (X, Y, M, S, T, C contacts). */
  COMMAND_READ_BITS = 0x00,
  /** Batch read in word units (word devices; bit devices 16 points a word, head a multiple of 16). */
  COMMAND_READ_WORDS = 0x01,
  /** Batch write in bit units. */
  COMMAND_WRITE_BITS = 0x02,
  /** Batch write in word units. */
  COMMAND_WRITE_WORDS = 0x03,
  /** Response subheader = command | RESPONSE_FLAG (80H, 81H, 82H, 83H). */
  RESPONSE_FLAG = 0x80,
  /** PC number FFH = the PLC the Ethernet adapter is connected to (the only one an FX3 reaches). */
  PC_OWN = 0xff,
  /** Complete code of a normal completion. */
  COMPLETE_OK = 0x00,
  /** Complete code followed by an abnormal code (10H-18H) and 00H. */
  COMPLETE_ABNORMAL = 0x5b,
  /** Monitoring timer unit: 250 ms (000AH = 2.5 s in the manual's example). */
  MONITORING_TIMER_UNIT_MS = 250,
}

/** Bytes (binary) or characters (ASCII) of a request before any write data. */
export function requestHeadLength(ascii: boolean): number {
  return ascii ? 24 : 12;
}

/**
 * Points one 1E request may carry on an FX3U/FX3UC/FX3G (FX3U-ENET-ADP manual 7.4): batch read
 * 256 bits, 32 words of a bit device (512 points) or 64 points of a word device; batch write 160
 * bits, 10 words of a bit device or 64 points of a word device. (C200-C255 hold 32-bit values and
 * allow 32 points; we do not read them, see devices-1e.ts.)
 */
export const MC1E_FX3_LIMITS = {
  readBits: 256,
  readWords: 64,
  readBitDeviceWords: 32,
  writeBits: 160,
  writeWords: 64,
  writeBitDeviceWords: 10,
} as const;
