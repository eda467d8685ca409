import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { Collector } from './actors/collector.js';
import { ConfigService } from './actors/config-service.js';
import { applyPlantFileAtStart } from './actors/plant-source.js';
import { InspectionHub } from './actors/inspection/inspection-hub.js';
import { createDelivery, tagRefs } from './actors/sink-factory.js';
import { startRetention } from './actors/retention.js';
import type { AppServices } from './app-services.js';
import { systemClock, type Clock } from './clock.js';
import type { RunningHttpServer } from './http/server.js';
import { loadPlantFile } from './io/config/yaml-file.js';
import type { PlantConfig } from './io/config/schema.js';
import { isStoreEmpty, readAllTagRefs, readPlant } from './io/config/store-sql.js';
import { collectorName } from './io/config/collector-name.js';
import type { CentralSink } from './io/sink/identity/central-sink.js';
import type { CollectorIdentity } from './io/sink/identity/collector-identity.js';
import { TagCatalog } from './io/sink/identity/tag-catalog.js';
import { SinkError, errorText } from './io/sink/delivery/sink-error.js';
import { protocolOf } from './io/protocols.js';
import type { Delivery } from './io/sink/delivery/delivery.js';
import type { OracleDriver } from './io/sink/oracle/driver.js';
import { openDatabase } from './io/sink/sqlite/database.js';
import { createHistorySource } from './io/sink/history/index.js';
import type { HistorySource } from './io/sink/history/history-source.js';
import { SqliteSink } from './io/sink/sqlite/sqlite-sink.js';
import { bufferMachine } from './machines/buffer.js';
import { deviceLinkMachine } from './machines/deviceLink.js';
import { engineMachine } from './machines/engine.js';
import { pollGroupMachine } from './machines/pollGroup.js';
import { VERSION } from './version.js';

export interface RunOptions {
  /** YAML plant file: the source when given alone (src/actors/plant-source.ts). */
  readonly configFile?: string | undefined;
  /** Apply configFile even over API edits made since its last import (`--config-wins`). */
  readonly configWins?: boolean | undefined;
  /** A plant already loaded (the demo's, with its simulators' ports): imported when the store is empty. */
  readonly plant?: PlantConfig | undefined;
  readonly dataDir: string;
  /** 0 = any free port; undefined = no HTTP server. */
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Tests: run the oracle sink's writers in this thread with this driver (a fake). */
  readonly oracleDriver?: OracleDriver | undefined;
  /** Where a newly generated API token is announced (stdout by default). */
  readonly print?: ((line: string) => void) | undefined;
}

export interface StopResult {
  readonly drained: boolean;
  /** Rows that reached neither the database nor the spool (0 on a clean stop). */
  readonly unwritten: number;
}

export interface RunningCollector {
  readonly services: AppServices;
  readonly collector: Collector;
  readonly delivery: Delivery;
  readonly dbPath: string;
  /** The bound HTTP port and the API token, when a server runs. */
  readonly port: number | null;
  readonly token: string | null;
  /** Stop polling, drain the buffer, close devices, database and server. Idempotent. */
  stop(): Promise<StopResult>;
}

export function databasePath(dataDir: string): string {
  return join(resolve(dataDir), 'jsscada.db');
}

/**
 * Start the collector on a data directory: open the store (importing the YAML file into an
 * empty one), start the engine, the delivery to the sink and the HTTP server. A bad config
 * file throws ConfigError before anything is opened, so existing data is never touched.
 */
export async function startCollector(options: RunOptions): Promise<RunningCollector> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const fileConfig = options.plant ?? (options.configFile ? loadPlantFile(options.configFile) : undefined);
  const dataDir = resolve(options.dataDir);
  const dbPath = databasePath(dataDir);
  if (!fileConfig && !existsSync(dbPath)) {
    throw new Error(`no configuration: ${dbPath} does not exist; give --config FILE (YAML) to create it`);
  }
  // The port first (issue 12, finding 9): with it taken, nothing is imported, polled or printed.
  const listener = options.port !== undefined ? await (await import('./http/server.js')).claimHttpPort(options.port, options.host ?? '0.0.0.0') : undefined;
  const { sqlite, reader } = await openStore(dbPath).catch(async (err: unknown) => {
    await listener?.close();
    throw err;
  });
  const started: { collector?: Collector; delivery?: Delivery; http?: RunningHttpServer; history?: HistorySource } = {};
  try {
    if (options.configFile && !options.plant && fileConfig) {
      const stored = isStoreEmpty(reader) ? undefined : readPlant(reader).plant;
      const write = async (plant: PlantConfig) => (await sqlite.writePlant(plant), readPlant(reader).plant);
      await applyPlantFileAtStart({ file: options.configFile, dataDir, filePlant: fileConfig, stored, configWins: options.configWins ?? false, logger, write });
    } else if (isStoreEmpty(reader)) {
      if (!fileConfig) throw new Error(`the store in ${dbPath} is empty; give --config FILE (YAML) to import one`);
      const summary = await sqlite.writePlant(fileConfig);
      logger.info({ file: options.configFile, summary }, 'imported the configuration into an empty store');
    } else if (fileConfig) {
      logger.info({ file: options.configFile, dbPath }, 'the store already holds a configuration (the store of record); the file was checked but not imported: use `jsscada import FILE` to apply it');
    }
    const stored = readPlant(reader);
    const identity: CollectorIdentity = {
      name: collectorName(stored.plant),
      instanceId: await sqlite.instanceId(),
      host: hostname(),
      version: VERSION,
      leaseS: stored.plant.collector.leaseS,
    };
    const catalog = new TagCatalog();
    catalog.setKnown(readAllTagRefs(reader));
    catalog.update(tagRefs(stored));
    const { delivery, central } = await createDelivery(stored.plant.sink, sqlite, dataDir, identity, catalog, { clock, logger, oracleDriver: options.oracleDriver }, { maxBytes: stored.plant.collector.spoolMaxBytes });
    started.delivery = delivery;
    // The name is claimed before anything polls: a second collector with this name (or a schema
    // this release cannot write) stops the start here, with the reason. A database that is
    // merely down does not: rows spool until it is back.
    await connectValueDatabase(central, sqlite, logger);
    await delivery.start();

    const inspection = new InspectionHub([engineMachine, pollGroupMachine, bufferMachine, deviceLinkMachine], clock);
    const collector = new Collector(stored, { logger, clock, sink: delivery, protocolOf, inspect: inspection.inspect, name: identity.name });
    collector.start();
    started.collector = collector;
    // History reads the database the values go to; it connects at the first read.
    const history = await createHistorySource(stored.plant.sink, { dataDir, storePath: dbPath });
    started.history = history;
    // The latest values before this start come from the value database, until the first polls.
    const restoring = history
      .latest(identity.name, tagRefs(stored).map((t) => ({ device: t.device, tag: t.name })))
      .then((points) => collector.restoreLatest(points))
      .catch((err: unknown) => logger.warn({ err: errorText(err) }, 'could not read the latest stored values (shown again after the first polls)'));
    const services: AppServices = {
      collector,
      config: new ConfigService({ writer: sqlite, reader, collector, logger }),
      history,
      collectorName: identity.name,
      inspection,
      version: VERSION,
      delivery,
    };
    logger.info({ collector: identity.name, groups: stored.plant.groups.length, devices: stored.plant.devices.length, dbPath, sink: stored.plant.sink.kind, target: central.store.target }, 'collector started');

    const sinkConfig = stored.plant.sink;
    const retention = sinkConfig.kind === 'sqlite' && sinkConfig.retentionDays > 0 ? startRetention(sqlite, sinkConfig.retentionDays, { clock, logger }) : undefined;

    if (options.port !== undefined) {
      // Loaded only with a port: an embedded or headless collector does not carry the HTTP layer.
      const { startHttpServer } = await import('./http/server.js');
      started.http = await startHttpServer(services, {
        server: stored.plant.server,
        dataDir,
        port: options.port,
        host: options.host ?? '0.0.0.0',
        listener,
        logger,
        clock,
        print: options.print,
        writerMetrics: () => ({ ...collector.writerMetrics(), delivery: delivery.metrics() }),
      });
    }
    const http = started.http;

    let stopping: Promise<StopResult> | undefined;
    const stop = (): Promise<StopResult> =>
      (stopping ??= (async () => {
        retention?.();
        const closed = http ? http.close() : Promise.resolve();
        await restoring;
        const result = await collector.shutdown();
        // Rows still waiting for a retry go to the spool; then the sink closes.
        await delivery.close();
        await history.close();
        await sqlite.close();
        reader.close();
        await closed;
        const polls = collector.groupStatuses().map((g) => ({ group: g.name, ok: g.counters.pollsOk, errors: g.counters.errors }));
        logger.info({ ...result, collector: identity.name, polls, delivery: delivery.metrics() }, 'collector stopped');
        return result;
      })());
    return { services, collector, delivery, dbPath, port: http?.port ?? null, token: http?.token ?? null, stop };
  } catch (err) {
    // Whatever started must stop again: a half-started collector would poll into a closed sink.
    await started.collector?.shutdown({ drainTimeoutMs: 2000 }).catch(() => undefined);
    await started.delivery?.close().catch(() => undefined);
    await started.history?.close().catch(() => undefined);
    reader.close();
    await sqlite.close();
    await (started.http?.close() ?? listener?.close());
    throw err;
  }
}

/** The writer thread and a read connection on the store; a store that cannot be opened leaves nothing open. */
async function openStore(dbPath: string): Promise<{ sqlite: SqliteSink; reader: ReturnType<typeof openDatabase> }> {
  const sqlite = new SqliteSink(dbPath);
  try {
    await sqlite.open();
    return { sqlite, reader: openDatabase(dbPath, { readonly: true }) };
  } catch (err) {
    await sqlite.close();
    throw err;
  }
}

/** Errors that no retry or spool can fix: the start stops with the database's reason. */
function fatalAtStart(err: unknown): boolean {
  return err instanceof SinkError && (err.code === 'SINK_IDENTITY' || err.code === 'SINK_SCHEMA');
}

async function connectValueDatabase(central: CentralSink, sqlite: SqliteSink, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const claim = await Promise.race([
      central.connect(),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), 15_000);
      }),
    ]);
    if (claim === null) logger.warn({ target: central.store.target }, 'the value database did not answer within 15 s: polling starts, rows are spooled until it does');
    if (sqlite.lastMigration) logger.warn({ ...sqlite.lastMigration, target: central.store.target }, 'migrated the value database from schema version 1 to 2 (rows kept, attributed to this collector)');
  } catch (err) {
    if (fatalAtStart(err)) throw new Error(errorText(err).replace(/^SINK_[A-Z]+: /, ''), { cause: err });
    logger.warn({ target: central.store.target, err: errorText(err) }, 'the value database is not reachable: polling starts, rows are spooled until it is back');
  } finally {
    clearTimeout(timer);
  }
}

