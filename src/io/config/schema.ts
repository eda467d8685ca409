import { z } from 'zod';
import { DATA_TYPES } from '../types.js';

/**
 * The plant configuration: devices, polling groups and their tags, and the sink.
 * The same schemas validate the YAML import, the config store and (later) the REST API,
 * so every path into the store applies the same rules.
 */

const name = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "-" and "." only, starting with a letter or digit');

export const PROTOCOLS = ['mc1e', 'mc3e', 'mc4e', 'modbus', 'sim'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const deviceSchema = z
  .object({
    // "stream" is the path of the devices' live stream (/api/devices/stream).
    name: name.refine((n) => n !== 'stream', '"stream" is reserved (GET /api/devices/stream)'),
    /** mc3e / mc4e: Mitsubishi MC protocol (SLMP); mc1e: its A-compatible 1E frame (FX3); modbus: Modbus TCP; sim: in-process demo/test driver. */
    protocol: z.enum(PROTOCOLS),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535),
    /** MC frame encoding. */
    encoding: z.enum(['binary', 'ascii']).default('binary'),
    /** MC PLC series: sets device numbering (fx, fx3: X/Y octal) and per-request limits. fx3 = FX3U/FX3G/FX3GE over mc1e. */
    series: z.enum(['q', 'iqr', 'fx', 'fx3']).default('q'),
    /** MC: TCP or UDP (one frame per datagram). */
    transport: z.enum(['tcp', 'udp']).default('tcp'),
    /** MC over UDP: local port to bind (modules set to answer a fixed host port); default any. */
    localPort: z.number().int().min(1).max(65535).optional(),
    /** MC route: network number and PC number (defaults reach the connected station). */
    network: z.number().int().min(0).max(255).default(0),
    station: z.number().int().min(0).max(255).default(255),
    /** MC 4E only: allow several requests in flight, matched by serial. */
    pipeline: z.boolean().default(false),
    /** Modbus unit id. */
    unitId: z.number().int().min(0).max(255).default(1),
    /** Modbus: 0 = protocol (zero-based) addresses, 1 = one-based register numbers. */
    addressBase: z.union([z.literal(0), z.literal(1)]).default(0),
    /** Default word order of 32/64-bit values. MC: low word first; Modbus: high word first. */
    wordOrder: z.enum(['low', 'high']).optional(),
    /** Byte order inside each 16-bit word of a string. */
    byteOrder: z.enum(['little', 'big']).optional(),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    timeoutMs: z.number().int().min(50).max(60_000).default(2_000),
    retries: z.number().int().min(0).max(10).default(3),
    retryDelayMs: z.number().int().min(0).max(60_000).default(200),
    /**
     * Tags whose address the device refuses (MC C056..., Modbus exception 02) are split out of the
     * merged reads and tried again this often (default 60 s); merged back once accepted.
     */
    refusedRetryMs: z.number().int().min(0).max(86_400_000).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type DeviceConfig = z.output<typeof deviceSchema>;
export type DeviceInput = z.input<typeof deviceSchema>;

/**
 * What gets recorded: every poll (default), or only changes beyond a deadband, with a heartbeat
 * so an unchanged value is still written at least every `heartbeatS` (the way historians cut storage
 * without leaving a trend blank). A quality change is always recorded.
 */
export const recordSchema = z
  .object({
    mode: z.enum(['every', 'change']).optional(),
    /** Change mode: record when |value - last recorded| > deadband (engineering units). */
    deadband: z.number().finite().min(0).optional(),
    /** Change mode: record when |value - last recorded| > percent of |last recorded|. */
    deadbandPercent: z.number().finite().min(0).max(100).optional(),
    /** Change mode: record at least every N seconds even if unchanged. */
    heartbeatS: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();
export type RecordConfig = z.output<typeof recordSchema>;

export const tagSchema = z
  .object({
    name,
    address: z.string().min(1, 'must not be empty').max(32),
    type: z.enum(DATA_TYPES).default('int16'),
    /** Words of a string tag. */
    length: z.number().int().min(1).max(480).optional(),
    wordOrder: z.enum(['low', 'high']).optional(),
    scale: z.number().finite().optional(),
    offset: z.number().finite().optional(),
    unit: z.string().max(16).optional(),
    /** Thresholds: a value at or above (as shown, with its decimals) is warning / critical. */
    warn: z.number().finite().optional(),
    crit: z.number().finite().optional(),
    description: z.string().max(256).optional(),
    /**
     * The tag's former name (same device): the value database renames that tag instead of
     * starting a new one, so its history continues under the new name.
     */
    renamedFrom: name.optional(),
    /** Overrides the group's record settings field by field. */
    record: recordSchema.optional(),
    /**
     * Decimals the panel shows (0-6). Default: from the type and scale (int16 x 0.1 -> 1),
     * by magnitude for floats. Thresholds compare the value as shown (src/io/config/decimals.ts).
     * Last: the tag CSV's columns follow this order, so existing columns keep their place.
     */
    decimals: z.number().int().min(0).max(6).optional(),
  })
  .strict()
  .superRefine((tag, ctx) => {
    if (tag.type === 'string' && tag.length === undefined) {
      ctx.addIssue({ code: 'custom', path: ['length'], message: 'a string tag needs length (words)' });
    }
    if (tag.type !== 'string' && tag.length !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['length'], message: 'length is only for string tags' });
    }
    if (tag.renamedFrom === tag.name) {
      ctx.addIssue({ code: 'custom', path: ['renamedFrom'], message: 'renamedFrom names the tag itself' });
    }
    if (tag.warn !== undefined && tag.crit !== undefined && tag.warn > tag.crit) {
      ctx.addIssue({ code: 'custom', path: ['warn'], message: `warn (${tag.warn}) is above crit (${tag.crit})` });
    }
  });
export type TagConfig = z.output<typeof tagSchema>;

export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 3_600_000;

export const groupSchema = z
  .object({
    name,
    device: name,
    mode: z.enum(['fixed', 'handshake']).default('fixed'),
    intervalMs: z
      .number()
      .int()
      .min(MIN_INTERVAL_MS, `interval must be at least ${MIN_INTERVAL_MS} ms`)
      .max(MAX_INTERVAL_MS, `interval must be at most ${MAX_INTERVAL_MS} ms (1 hour)`)
      .default(1000),
    /** Start polling when the collector starts. */
    enabled: z.boolean().default(true),
    /** HANDSHAKE only: a PLC bit that requests a poll (rising edge) and a bit the collector sets after it. */
    trigger: z
      .object({
        bit: z.string().min(1),
        ack: z.string().min(1).optional(),
        watchMs: z.number().int().min(20).max(10_000).default(100),
      })
      .strict()
      .optional(),
    /** Default record settings of the group's tags. */
    record: recordSchema.optional(),
    tags: z.array(tagSchema).min(1, 'a group needs at least one tag'),
  })
  .strict();
export type GroupConfig = z.output<typeof groupSchema>;

/**
 * Where values go. The SQLite store always holds the configuration; with `sqlite` it holds the
 * values too. Passwords are best kept out of it: `passwordFile` (a file read at start, e.g. a
 * systemd or Docker secret) or the environment (PGPASSWORD or JSSCADA_PG_URL; ORACLE_PASSWORD).
 * A password written here is stored in the store (a 0600 file in a 0700 data dir) and never
 * returned by the API or an export (see secrets.ts).
 */
export const sinkSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sqlite'),
      /**
       * The value database: relative to the data directory, or absolute (several collectors on one
       * host may share a file). The default is the config store itself, DIR/jsscada.db.
       */
      path: z.string().min(1).default('jsscada.db'),
      retentionDays: z.number().int().min(0).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('postgres'),
      /** postgres://user:password@host:port/db; else the fields below; else env JSSCADA_PG_URL, PG*. */
      url: z.string().min(1).optional(),
      host: z.string().min(1).optional(),
      port: z.number().int().min(1).max(65535).optional(),
      user: z.string().min(1).optional(),
      password: z.string().optional(),
      /** A file holding the password (read at start; one trailing newline dropped). */
      passwordFile: z.string().min(1).optional(),
      database: z.string().min(1).optional(),
      ssl: z.boolean().default(false),
      schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain identifier (letters, digits, _)').default('public'),
      poolSize: z.number().int().min(1).max(32).default(5),
      connectTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
      queryTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('oracle'),
      /** Else env ORACLE_USER / ORACLE_PASSWORD / ORACLE_CONNECT_STRING (and a .env file). */
      user: z.string().min(1).optional(),
      password: z.string().optional(),
      /** A file holding the password (read at start; one trailing newline dropped). */
      passwordFile: z.string().min(1).optional(),
      connectString: z.string().min(1).optional(),
      poolSize: z.number().int().min(1).max(32).default(5),
      batchRows: z.number().int().min(1).max(500).default(500),
      queueTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
      callTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
      connectTimeoutS: z.number().int().min(1).max(600).default(10),
    })
    .strict(),
]);
export type SinkConfig = z.output<typeof sinkSchema>;

export const collectorSchema = z
  .object({
    /**
     * This collector's name on the value database (unique there): its tags are (name, device, tag).
     * Default: the host name, made to fit the name rules.
     */
    name: name.optional(),
    /** Seconds another data directory must wait for this name after this collector was last seen (a crash). */
    leaseS: z.number().int().min(5).max(3600).default(30),
    maxConcurrentGroups: z.number().int().min(1).max(1000).default(10),
    bufferCapacity: z.number().int().min(100).max(10_000_000).default(10_000),
    flushIntervalMs: z.number().int().min(10).max(60_000).default(500),
    flushRows: z.number().int().min(1).max(100_000).default(500),
    /** Rows one write may carry when the buffer holds more than flushRows. */
    batchMaxRows: z.number().int().min(1).max(100_000).default(5_000),
    /** Most bytes the CSV spool (DIR/spool) may hold during a sink outage; the oldest files are dropped, counted, beyond it. */
    spoolMaxBytes: z.number().int().min(64 * 1024).max(2 ** 50).default(1024 * 1024 * 1024),
  })
  .strict();
export type CollectorConfig = z.output<typeof collectorSchema>;

export const serverSchema = z
  .object({
    /** Bearer token for mutating endpoints; JSSCADA_TOKEN overrides; generated at first start if neither. */
    token: z.string().min(16, 'a token needs at least 16 characters').optional(),
    /** Require the token for reads and streams too (default: reads are open). */
    protectReads: z.boolean().default(false),
    /** Origins allowed by CORS; empty = same origin only. */
    corsOrigins: z.array(z.string().min(1)).default([]),
    /** Largest request body accepted (bytes). */
    bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** At most this many SSE clients at once (all streams together). */
    maxSseClients: z.number().int().min(1).max(10_000).default(200),
    /** Period of the devices stream's batch. */
    devicesStreamIntervalMs: z.number().int().min(250).max(3_600_000).default(5000),
    // Client limits (issue 12): no one client can starve the others; see README "Client limits".
    /** Streams one remote address may hold without the token (a token holder is not capped). */
    maxSseClientsPerClient: z.number().int().min(1).max(10_000).default(16),
    /** The last SSE slots, kept for requests that carry the token (at most half of maxSseClients). */
    reservedSseClients: z.number().int().min(0).max(10_000).default(20),
    /** Open sockets at most; over it, the oldest idle socket without the token is closed. */
    maxConnections: z.number().int().min(10).max(100_000).default(1000),
    /** The last sockets, kept for requests that carry the token and for /health, /ready (at most half). */
    reservedConnections: z.number().int().min(0).max(100_000).default(50),
    /** A socket that sends no byte for this long is closed. */
    idleSocketTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
    /** Time to receive a request's headers (slow senders are cut off with 408). */
    headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Time to receive a whole request, body included. */
    requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
    /** An idle keep-alive socket is closed after this long. */
    keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
    /** Wrong tokens one remote address may send per window before it gets 429. */
    authFailureLimit: z.number().int().min(1).max(1_000_000).default(10),
    authFailureWindowMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
  })
  .strict();
export type ServerConfig = z.output<typeof serverSchema>;

export const plantSchema = z
  .object({
    devices: z.array(deviceSchema).default([]),
    groups: z.array(groupSchema).default([]),
    sink: sinkSchema.default({ kind: 'sqlite', path: 'jsscada.db', retentionDays: 0 }),
    collector: collectorSchema.default({
      leaseS: 30,
      maxConcurrentGroups: 10,
      bufferCapacity: 10_000,
      flushIntervalMs: 500,
      flushRows: 500,
      batchMaxRows: 5_000,
      spoolMaxBytes: 1024 * 1024 * 1024,
    }),
    // prefault: the empty object is parsed, so every server field takes its own default.
    server: serverSchema.prefault({}),
  })
  .strict();
export type PlantConfig = z.output<typeof plantSchema>;
export type PlantInput = z.input<typeof plantSchema>;
