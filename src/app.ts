import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { Collector } from './actors/collector.js';
import { ConfigService } from './actors/config-service.js';
import { applyPlantFileAtStart } from './actors/plant-source.js';
import { InspectionHub } from './actors/inspection/inspection-hub.js';
import { createDelivery } from './actors/sink-factory.js';
import type { AppServices } from './app-services.js';
import { systemClock, type Clock } from './clock.js';
import type { RunningHttpServer } from './http/server.js';
import { loadPlantFile } from './io/config/yaml-file.js';
import type { PlantConfig } from './io/config/schema.js';
import { isStoreEmpty, readPlant } from './io/config/store-sql.js';
import { protocolOf } from './io/protocols.js';
import type { Delivery } from './io/sink/delivery/delivery.js';
import { openDatabase } from './io/sink/sqlite/database.js';
import { HistoryReader } from './io/sink/sqlite/history.js';
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
  const sqlite = new SqliteSink(dbPath);
  await sqlite.open();
  const reader = openDatabase(dbPath, { readonly: true });
  const started: { collector?: Collector; delivery?: Delivery; http?: RunningHttpServer } = {};
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
    const delivery = await createDelivery(stored.plant.sink, sqlite, dataDir, { clock, logger });
    await delivery.start();
    started.delivery = delivery;

    const inspection = new InspectionHub([engineMachine, pollGroupMachine, bufferMachine, deviceLinkMachine], clock);
    const collector = new Collector(stored, { logger, clock, sink: delivery, protocolOf, inspect: inspection.inspect });
    collector.start();
    started.collector = collector;
    const services: AppServices = {
      collector,
      config: new ConfigService({ writer: sqlite, reader, collector, logger }),
      history: new HistoryReader(reader),
      inspection,
      version: VERSION,
    };
    logger.info({ groups: stored.plant.groups.length, devices: stored.plant.devices.length, dbPath, sink: stored.plant.sink.kind }, 'collector started');

    const sinkConfig = stored.plant.sink;
    const retention = sinkConfig.kind === 'sqlite' && sinkConfig.retentionDays > 0 ? startRetention(sqlite, sinkConfig.retentionDays, logger) : undefined;

    if (options.port !== undefined) {
      // Loaded only with a port: an embedded or headless collector does not carry the HTTP layer.
      const { startHttpServer } = await import('./http/server.js');
      started.http = await startHttpServer(services, {
        server: stored.plant.server,
        dataDir,
        port: options.port,
        host: options.host ?? '0.0.0.0',
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
        if (retention) clearInterval(retention);
        const closed = http ? http.close() : Promise.resolve();
        const result = await collector.shutdown();
        // Rows still waiting for a retry go to the spool; then the sink closes.
        await delivery.close();
        await sqlite.close();
        reader.close();
        await closed;
        logger.info({ ...result, delivery: delivery.metrics() }, 'collector stopped');
        return result;
      })());
    return { services, collector, delivery, dbPath, port: http?.port ?? null, token: http?.token ?? null, stop };
  } catch (err) {
    // Whatever started must stop again: a half-started collector would poll into a closed sink.
    await started.collector?.shutdown({ drainTimeoutMs: 2000 }).catch(() => undefined);
    await started.delivery?.close().catch(() => undefined);
    reader.close();
    await sqlite.close();
    throw err;
  }
}

/** Retention: hourly, in small delete batches on the writer thread. */
function startRetention(sink: SqliteSink, days: number, logger: Logger): NodeJS.Timeout {
  const pass = (): void => {
    sink.applyRetention(days).then(
      (deleted) => deleted > 0 && logger.info({ deleted, days }, 'retention: deleted old rows'),
      (err: unknown) => logger.warn({ err }, 'retention pass failed'),
    );
  };
  setTimeout(pass, 10_000).unref();
  const timer = setInterval(pass, 3_600_000);
  timer.unref();
  return timer;
}
