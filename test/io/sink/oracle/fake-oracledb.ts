import type {
  OracleBatchError,
  OracleConnection,
  OracleDriver,
  OracleExecuteManyOptions,
  OraclePool,
  OraclePoolAttributes,
  OracleResult,
} from '../../../../src/io/sink/oracle/driver.js';

/**
 * A fake node-oracledb for the subset in src/io/sink/oracle/driver.ts: an in-memory TAG_DATA
 * with its unique key (TAG_ID, TS), transactions (uncommitted rows vanish on rollback, on a
 * broken connection and on close), per-row batch errors, and scripted faults. Errors have the
 * real driver's shape: `code` "NJS-500" / "ORA-12899", `errorNum`, and the code at the start
 * of the message. Typed with `satisfies` against the sink's interface (which is itself to be
 * checked against @types/oracledb once installed: see driver.ts).
 */

export interface StoredRow {
  readonly tagId: number;
  readonly tsMs: number;
  readonly value: number | null;
  readonly text: string | null;
  readonly quality: number;
}

export function njsError(code: string, text: string): Error {
  return Object.assign(new Error(`${code}: ${text}`), { code });
}

export function oraError(num: number, text: string, offset?: number): Error & OracleBatchError {
  const code = `ORA-${String(num).padStart(5, '0')}`;
  return Object.assign(new Error(`${code}: ${text}`), { code, errorNum: num, offset: offset ?? 0 });
}

export class FakeOracle {
  /** Committed rows, by natural key. */
  readonly table = new Map<string, StoredRow>();
  /** TAGS: id -> the row (database-assigned ids, keyed by collector, device, name). */
  readonly tags = new Map<number, { collectorId: number; device: string; name: string; group: string | null; unit: string | null; dataType: string | null }>();
  /** COLLECTORS: id -> the row; lastSeen in the fake's clock (ms). */
  readonly collectors = new Map<number, { name: string; instanceId: string; host: string | null; lastSeen: number; stopped: boolean }>();
  /** SCHEMA_VERSION's row; null = the table does not exist (ORA-00942). */
  schemaVersion: number | null = 2;
  /** With schemaVersion null: TAGS has the 0.1 TAG_ID column. */
  v1Tags = false;
  /** The database's clock (SYSTIMESTAMP), ms. */
  now: () => number = () => Date.now();
  private nextId = 1;
  /** getConnection fails with NJS-503 (listener down) while set. */
  down = false;
  /** The next getConnection fails with NJS-040 (pool queue timeout). */
  queueTimeoutOnce = false;
  /** The next executeMany applies this many rows, then the socket closes (NJS-500). */
  closeSocketAfterRows: number | null = null;
  /** Extra errors for the next executeMany: offset in that call -> ORA number. */
  nextBatchErrors = new Map<number, number>();
  readonly stats = { commits: 0, rollbacks: 0, dropped: 0, executeMany: 0, maxRowsPerCall: 0, pools: 0 };
  /** Longest TEXT_VALUE (bytes), as VARCHAR2(4000 BYTE). */
  maxTextBytes = 4000;
  /** Answers the history reader's SELECTs (a test supplies it; rows as arrays, as node-oracledb's default). */
  onSelect: ((sql: string, binds: unknown[]) => unknown[][]) | null = null;
  /** Every SELECT run besides the probe, with its binds and the connection's callTimeout. */
  readonly selects: { sql: string; binds: unknown[]; callTimeout: number }[] = [];
  /** The attributes of the last pool created. */
  lastPool: OraclePoolAttributes | null = null;

  // Stand-ins: the types accept a number where a DbType goes; the sink only passes these through.
  readonly NUMBER = 2010;
  readonly STRING = 2001;
  readonly DB_TYPE_BINARY_DOUBLE = 2101;

  async createPool(attributes: OraclePoolAttributes): Promise<OraclePool> {
    if (attributes.poolMax !== 1) throw new Error('the sink must ask for one connection per writer');
    this.stats.pools++;
    this.lastPool = attributes;
    return {
      getConnection: async () => {
        if (this.queueTimeoutOnce) {
          this.queueTimeoutOnce = false;
          throw njsError('NJS-040', 'connection request timeout. Request exceeded "queueTimeout" of 10000');
        }
        if (this.down) throw njsError('NJS-503', 'connection to host 127.0.0.1 port 1521 could not be established. (CONNECTION_ID=x)\nconnect ECONNREFUSED 127.0.0.1:1521');
        return new FakeConnection(this);
      },
      close: async () => undefined,
    } satisfies OraclePool;
  }

  newId(): number {
    return this.nextId++;
  }

  get rows(): StoredRow[] {
    return [...this.table.values()];
  }
}

class FakeConnection implements OracleConnection {
  callTimeout = 0;
  private pending = new Map<string, StoredRow>();
  private broken = false;
  private closed = false;

  constructor(private readonly db: FakeOracle) {}

  private check(): void {
    if (this.broken || this.closed) throw njsError('NJS-500', 'connection to Oracle Database was closed or broken');
  }

  async executeMany(sql: string, binds: unknown[][], options: OracleExecuteManyOptions): Promise<OracleResult> {
    this.check();
    const db = this.db;
    db.stats.executeMany++;
    db.stats.maxRowsPerCall = Math.max(db.stats.maxRowsPerCall, binds.length);
    if (sql.startsWith('MERGE INTO TAGS')) {
      for (const [collectorId, device, name, group, unit, dataType] of binds as [number, string, string, string | null, string | null, string | null][]) {
        const found = [...db.tags.values()].find((t) => t.collectorId === collectorId && t.device === device && t.name === name);
        if (!found) db.tags.set(db.newId(), { collectorId, device, name, group, unit, dataType });
        else if (group !== null) Object.assign(found, { group, unit, dataType });
      }
      return { rowsAffected: binds.length };
    }
    if (sql.startsWith('UPDATE TAGS SET NAME')) {
      let n = 0;
      for (const [name, collectorId, device, old] of binds as [string, number, string, string][]) {
        const rows = [...db.tags.values()];
        const row = rows.find((t) => t.collectorId === collectorId && t.device === device && t.name === old);
        if (row && !rows.some((t) => t.collectorId === collectorId && t.device === device && t.name === name)) {
          row.name = name;
          n++;
        }
      }
      return { rowsAffected: n };
    }
    if (!sql.startsWith('INSERT INTO TAG_DATA') || options.autoCommit || !options.batchErrors) throw new Error(`unexpected call: ${sql.slice(0, 30)}`);
    const scripted = db.nextBatchErrors;
    db.nextBatchErrors = new Map();
    const batchErrors: OracleBatchError[] = [];
    let rowsAffected = 0;
    for (let i = 0; i < binds.length; i++) {
      if (db.closeSocketAfterRows !== null && i === db.closeSocketAfterRows) {
        db.closeSocketAfterRows = null;
        this.broken = true;
        this.pending.clear(); // the server rolls back a session that died
        throw njsError('NJS-500', 'connection to Oracle Database was closed or broken');
      }
      const [tagId, tsMs, value, text, quality] = binds[i] as [number, number, number | null, string | null, number];
      const key = `${tagId}:${tsMs}`;
      const forced = scripted.get(i);
      if (forced !== undefined) batchErrors.push(oraError(forced, 'scripted', i));
      else if (text !== null && Buffer.byteLength(text) > db.maxTextBytes) batchErrors.push(oraError(12899, `value too large for column "TEXT_VALUE" (actual: ${Buffer.byteLength(text)}, maximum: ${db.maxTextBytes})`, i));
      else if (db.table.has(key) || this.pending.has(key)) batchErrors.push(oraError(1, 'unique constraint (TAG_DATA_UK) violated', i));
      else {
        this.pending.set(key, { tagId, tsMs, value, text, quality });
        rowsAffected++;
      }
    }
    return { rowsAffected, batchErrors };
  }

  async execute(sql: string, binds: unknown[] = []): Promise<OracleResult> {
    this.check();
    const db = this.db;
    if (sql === 'SELECT 1 FROM DUAL') return { rows: [[1]] };
    if (sql.startsWith('SELECT VERSION FROM SCHEMA_VERSION')) {
      if (db.schemaVersion === null) throw oraError(942, 'table or view does not exist');
      return { rows: [[db.schemaVersion]] };
    }
    if (sql.includes('FROM USER_TAB_COLUMNS')) return { rows: [[db.v1Tags ? 1 : 0]] };
    if (sql.startsWith('INSERT INTO COLLECTORS')) {
      const [name, instanceId, host] = binds as [string, string, string];
      if ([...db.collectors.values()].some((c) => c.name === name)) throw oraError(1, 'unique constraint (COLLECTORS_NAME_UK) violated');
      db.collectors.set(db.newId(), { name, instanceId, host, lastSeen: db.now(), stopped: false });
      return { rowsAffected: 1 };
    }
    if (sql.startsWith('SELECT ID, INSTANCE_ID, HOST')) {
      const [name] = binds as [string];
      const found = [...db.collectors.entries()].find(([, c]) => c.name === name);
      if (!found) return { rows: [] };
      const [id, c] = found;
      return { rows: [[id, c.instanceId, c.host, Math.round((db.now() - c.lastSeen) / 1000), c.stopped ? 1 : 0]] };
    }
    if (sql.startsWith('UPDATE COLLECTORS SET INSTANCE_ID')) {
      const [instanceId, host, , id] = binds as [string, string, string, number];
      const c = db.collectors.get(id)!;
      Object.assign(c, { instanceId, host, lastSeen: db.now(), stopped: false });
      return { rowsAffected: 1 };
    }
    if (sql.startsWith('UPDATE COLLECTORS SET')) {
      const [id, instanceId] = binds as [number, string];
      const c = db.collectors.get(id);
      if (!c || c.instanceId !== instanceId) return { rowsAffected: 0 };
      c.lastSeen = db.now();
      if (sql.includes('STOPPED_AT =')) c.stopped = true;
      return { rowsAffected: 1 };
    }
    if (sql.startsWith('SELECT ID, DEVICE, NAME FROM TAGS')) {
      const [collectorId] = binds as [number];
      return { rows: [...db.tags.entries()].filter(([, t]) => t.collectorId === collectorId).map(([id, t]) => [id, t.device, t.name]) };
    }
    if (sql.startsWith('SELECT') && this.db.onSelect) {
      this.db.selects.push({ sql, binds, callTimeout: this.callTimeout });
      return { rows: this.db.onSelect(sql, binds) };
    }
    throw new Error(`unexpected SQL ${sql}`);
  }

  async commit(): Promise<void> {
    this.check();
    for (const [k, v] of this.pending) this.db.table.set(k, v);
    this.pending.clear();
    this.db.stats.commits++;
  }

  async rollback(): Promise<void> {
    this.check();
    this.pending.clear();
    this.db.stats.rollbacks++;
  }

  async close(options?: { drop?: boolean }): Promise<void> {
    this.pending.clear(); // Oracle rolls back what a closing session did not commit
    this.closed = true;
    if (options?.drop) this.db.stats.dropped++;
  }
}

/** Compile-time: the fake is an OracleDriver, so it drifts only if the interface does. */
export function fakeOracle(): FakeOracle & OracleDriver {
  return new FakeOracle() satisfies OracleDriver;
}
