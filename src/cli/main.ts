import { parseArgs, type ParseArgsConfig } from 'node:util';
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../io/config/config-error.js';
import { errorMessage } from '../io/errors.js';
import { VERSION } from '../version.js';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { checkCommand, exportCommand, importCommand } from './config-commands.js';
import { migrateCommand } from './migrate.js';

const HELP = `jsscada ${VERSION}: industrial data collector (Mitsubishi MC / SLMP, Modbus TCP -> SQLite)

Usage: jsscada <command> [options]

Commands:
  run      Run the collector on a plant configuration
  demo     Start simulated PLCs and the collector on the demo plant
  import   Load a YAML plant file into the configuration store
  export   Write the stored configuration as YAML
  check    Validate a YAML plant file, change nothing
  migrate  Upgrade the value database from the 0.1 schema (tags owned by the database)
  probe    Connect to one PLC and read addresses (commissioning)

Run "jsscada <command> --help" for the options of a command.`;

export const COMMAND_HELP: Record<string, string> = {
  run: `Usage: jsscada run [--config FILE [--config-wins]] [--data DIR] [--port N] [--host ADDR] [--log-level LEVEL]

Runs the collector. The configuration store is DIR/jsscada.db (SQLite). With --config, FILE is
the source: when it changed since its last import it is applied (the log says what changed:
+added ~changed -retired =unchanged); when the store was ALSO edited through the API since, run
refuses and names the ways out. SIGHUP re-reads FILE and applies the difference hot.
  --config FILE   YAML plant file (required the first time)
  --config-wins   apply FILE even over API edits made since its last import
  --data DIR      data directory: database, logs, spool (default ./data)
  --port N        HTTP port (default 8080; 0 = any free port)
  --host ADDR     HTTP listen address (default 0.0.0.0)
  --log-level L   trace, debug, info (default), warn, error`,
  demo: `Usage: jsscada demo [--data DIR] [--port N] [--plc-ports auto|A,B,C]

Starts the demo plant's simulated PLCs on loopback and the collector with config/demo.yaml.
  --data DIR      data directory (default ./data)
  --port N        HTTP port (default 8080)
  --plc-ports P   simulator ports for line1, line2 and pumps (default 5001,5002,5020);
                  "auto" takes free ports (when those are in use)`,
  import: `Usage: jsscada import FILE [--data DIR]

Validates FILE and makes the store in DIR/jsscada.db hold exactly that plant. Tags keep their
ids (and history) by name; devices, groups and tags missing from FILE are retired, not deleted.`,
  export: `Usage: jsscada export [FILE] [--data DIR] [--with-secrets]

Writes the stored configuration as YAML to FILE, or to standard output. Secrets (passwords,
a password in a URL, server.token) show as a redaction marker; importing the file keeps the
secrets the store holds.
  --with-secrets  write the secrets in clear (FILE is created mode 0600)`,
  migrate: `Usage: jsscada migrate [--data DIR]

Upgrades the value database named in the stored configuration (its sink) from the jsscada 0.1
schema (version 1: tag ids local to one collector) to version 2 (tags keyed by collector, device
and tag name, ids owned by the database), in place, in one transaction. Its tags and rows are
attributed to this collector (collector.name, else the host name). Run it once, from the
collector whose values the database holds. SQLite files are also migrated at start; an Oracle
schema is migrated by its owner with config/oracle/migrate-v1-v2.sql.`,
  check: `Usage: jsscada check FILE

Validates FILE and prints every problem with its line and field. Exit code 0 when valid, 2 when not.`,
};

const OPTIONS = {
  config: { type: 'string' },
  'config-wins': { type: 'boolean' },
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'log-level': { type: 'string' },
  'plc-ports': { type: 'string' },
  'with-secrets': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const stdio: CliIo = { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n') };

/** Runs one command; resolves the process exit code (long-running commands resolve on stop). */
export async function main(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  // probe takes the plant file's device fields as options: its own parser (src/cli/probe.ts).
  if (argv[0] === 'probe') return (await import('./probe.js')).probeCommand(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`jsscada: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.version) return io.out(VERSION), 0;
  if (!command) return io.out(HELP), values.help ? 0 : 2;
  if (values.help) {
    const help = COMMAND_HELP[command];
    return help ? (io.out(help), 0) : (io.out(HELP), 2);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    io.err(`jsscada: --port must be a whole number from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  const dataDir = values.data ?? 'data';
  try {
    switch (command) {
      case 'run':
        return await runCommand({ configFile: values.config, configWins: values['config-wins'], dataDir, port: port ?? 8080, host: values.host, logLevel: values['log-level'] }, io);
      case 'demo':
        return await demoCommand({ dataDir, port: port ?? 8080, logLevel: values['log-level'], plcPorts: parsePlcPorts(values['plc-ports']) }, io);
      case 'import':
        return importCommand(requireFile(args[0], 'import'), dataDir, io);
      case 'export':
        // An export with secrets is written like the token file: for its owner only.
        return exportCommand(args[0], dataDir, io, (file, text) => writeFileSync(file, text, { mode: 0o600 }), { withSecrets: values['with-secrets'] === true });
      case 'check':
        return checkCommand(requireFile(args[0], 'check'), io);
      case 'migrate':
        return await migrateCommand(dataDir, io);
      default:
        io.err(`jsscada: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    if (err instanceof UsageError) {
      io.err(`jsscada: ${err.message}\n\n${COMMAND_HELP[err.command] ?? HELP}`);
      return 2;
    }
    // One line whatever was thrown (a plain object used to print "[object Object]").
    const text = errorMessage(err).replace(/\s*\n\s*/g, ' ');
    io.err(`jsscada: ${text}${/SQLITE_FULL|ENOSPC/.test(text) ? `: the disk under ${dataDir} is full; free some space and start again` : ''}`);
    return 1;
  }
}

class UsageError extends Error {
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
  }
}

function parsePlcPorts(text: string | undefined): 'auto' | { line1: number; line2: number; pumps: number } | undefined {
  if (text === undefined) return undefined;
  if (text === 'auto') return 'auto';
  const ports = text.split(',').map(Number);
  if (ports.length !== 3 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new UsageError('demo', `--plc-ports takes "auto" or three ports such as 5001,5002,5020, got "${text}"`);
  }
  return { line1: ports[0]!, line2: ports[1]!, pumps: ports[2]! };
}

function requireFile(file: string | undefined, command: string): string {
  if (!file) throw new UsageError(command, `${command} needs a FILE`);
  return file;
}
