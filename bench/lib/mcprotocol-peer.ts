import { createRequire } from 'node:module';

/**
 * The `mcprotocol` npm package (the MC client the protocol issue rejected) as a peer, with a
 * promise face. It logs through console.log; the figures silence that while it runs, since
 * printing every request would measure the terminal, not the client.
 */
interface LegacyConnection {
  initiateConnection(params: { port: number; host: string; ascii: boolean; frame: '3E' }, cb: (err?: unknown) => void): void;
  setTranslationCB(cb: (tag: string) => string): void;
  addItems(items: string[]): void;
  readAllItems(cb: (anythingBad: boolean, values: Record<string, unknown>) => void): void;
  dropConnection(): void;
}

const require = createRequire(import.meta.url);

export interface McprotocolPeer {
  /** One readAllItems over every added item (the library plans its own requests). */
  readAll(): Promise<{ bad: boolean; values: Record<string, unknown> }>;
  close(): void;
}

/** The real console.log, for figures to print with while the library is muted. */
export const say: (...args: unknown[]) => void = console.log.bind(console);
let open = 0;

function mute(): void {
  if (open++ === 0) console.log = () => undefined;
}

/** Counted: console.log comes back when the last open connection closes. */
function unmuteOnce(): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--open === 0) console.log = say;
  };
}

/** Connect and add the items. console.log stays muted until close(): the library logs from timers too. */
export async function connectMcprotocol(port: number, items: readonly string[]): Promise<McprotocolPeer> {
  const MCProtocol = require('mcprotocol') as new () => LegacyConnection;
  mute();
  const unmute = unmuteOnce();
  const conn = new MCProtocol();
  try {
    await new Promise<void>((resolve, reject) =>
      conn.initiateConnection({ port, host: '127.0.0.1', ascii: false, frame: '3E' }, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
    );
  } catch (err) {
    unmute();
    throw err;
  }
  conn.setTranslationCB((name) => name);
  conn.addItems([...items]);
  return {
    readAll: () => new Promise((resolve) => conn.readAllItems((bad, values) => resolve({ bad, values }))),
    close: () => {
      conn.dropConnection();
      unmute();
    },
  };
}
