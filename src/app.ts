import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { Collector } from './actors/collector.js';
import { systemClock, type Clock } from './clock.js';
import { createHttpApp } from './http/app.js';
import { loadPlantFile } from './io/config/yaml-file.js';
import { isStoreEmpty, readPlant } from './io/config/store-sql.js';
import { protocolOf } from './io/protocols.js';
import { openDatabase } from './io/sink/sqlite/database.js';
import { SqliteSink } from './io/sink/sqlite/sqlite-sink.js';
import { VERSION } from './version.js';
import { ConfigService } from './actors/config-service.js';
import { InspectionHub } from './actors/inspection/inspection-hub.js';
import { HistoryReader } from './io/sink/sqlite/history.js';
import { engineMachine } from './machines/engine.js';
import { pollGroupMachine } from './machines/pollGroup.js';
import { bufferMachine } from './machines/buffer.js';
import type { AppServices } from './app-services.js';

export interface RunOptions {
  /** YAML plant file: imported when the store is empty. */
  readonly configFile?: string | undefined;
  readonly dataDir: string;
  /** 0 = any free port; undefined = no HTTP server. */
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly logger: Logger;
  readonly clock?: Clock;
}

export interface RunningCollector {
  readonly services: AppServices;
  readonly collector: Collector;
  readonly sink: SqliteSink;
  readonly dbPath: string;
  /** The bound HTTP port, when a server runs. */
  readonly port: number | null;
  /** Stop polling, drain the buffer, close devices, database and server. Idempotent. */
  stop(): Promise<{ drained: boolean; unwritten: number }>;
}

export function databasePath(dataDir: string): string {
  return join(resolve(dataDir), 'jsscada.db');
}

/**
 * Start the collector on a data directory: open the store (importing the YAML file into an
 * empty one), start the engine and the HTTP server. A bad config file throws ConfigError
 * before anything is opened, so existing data is never touched.
 */
export async function startCollector(options: RunOptions): Promise<RunningCollector> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const fileConfig = options.configFile ? loadPlantFile(options.configFile) : undefined;
  const dbPath = databasePath(options.dataDir);
  if (!fileConfig && !existsSync(dbPath)) {
    throw new Error(`no configuration: ${dbPath} does not exist; give --config FILE (YAML) to create it`);
  }
  const sink = new SqliteSink(dbPath);
  await sink.open();
  const reader = openDatabase(dbPath, { readonly: true });
  try {
    if (isStoreEmpty(reader)) {
      if (!fileConfig) throw new Error(`the store in ${dbPath} is empty; give --config FILE (YAML) to import one`);
      const summary = await sink.writePlant(fileConfig);
      logger.info({ file: options.configFile, summary }, 'imported the configuration into an empty store');
    } else if (fileConfig) {
      logger.info({ file: options.configFile, dbPath }, 'the store already holds a configuration (the store of record); the file was checked but not imported: use `jsscada import FILE` to apply it');
    }
    const stored = readPlant(reader);
    const inspection = new InspectionHub([engineMachine, pollGroupMachine, bufferMachine], clock);
    const collector = new Collector(stored, { logger, clock, sink, protocolOf, inspect: inspection.inspect });
    collector.start();
    const services: AppServices = {
      collector,
      config: new ConfigService({ writer: sink, reader, collector, logger }),
      history: new HistoryReader(reader),
      inspection,
      version: VERSION,
    };
    logger.info({ groups: stored.plant.groups.length, devices: stored.plant.devices.length, dbPath }, 'collector started');

    const retentionDays = stored.plant.sink.retentionDays;
    const retention = retentionDays > 0 ? startRetention(sink, retentionDays, logger) : undefined;

    let server: ServerType | undefined;
    let port: number | null = null;
    if (options.port !== undefined) {
      const app = createHttpApp({ collector: () => collector, version: VERSION });
      void services;
      ({ server, port } = await listen(app.fetch, options.port, options.host ?? '0.0.0.0'));
      logger.info({ port }, `HTTP server on http://localhost:${port}/`);
    }

    let stopping: Promise<{ drained: boolean; unwritten: number }> | undefined;
    const stop = (): Promise<{ drained: boolean; unwritten: number }> =>
      (stopping ??= (async () => {
        if (retention) clearInterval(retention);
        const closed = server ? new Promise<void>((r) => server!.close(() => r())) : Promise.resolve();
        const result = await collector.shutdown();
        await sink.close();
        reader.close();
        await closed;
        logger.info(result, 'collector stopped');
        return result;
      })());
    return { services, collector, sink, dbPath, port, stop };
  } catch (err) {
    reader.close();
    await sink.close();
    throw err;
  }
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolvePort, reject) => {
    const server = serve({ fetch, port, hostname }, (info) => resolvePort({ server, port: info.port }));
    server.once('error', reject);
  });
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
