/**
 * SIGHUP (`kill -HUP`, `systemctl reload jsscada`) re-reads the plant file. Caught from the
 * start of `run`: Node's default for SIGHUP is to exit, so a reload sent while the collector is
 * still starting would kill it; such an early one is remembered and done once it runs.
 * Reloads run one after another; SIGHUPs that arrive during a reload fold into one more.
 */
export interface ReloadSignal {
  /** From now on a SIGHUP calls `reload` (and once right away if one came before). */
  attach(reload: () => Promise<unknown>): void;
  dispose(): void;
}

export function catchReloadSignal(): ReloadSignal {
  let target: (() => Promise<unknown>) | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  const run = (): void => {
    if (!target) return void (again = true);
    if (running) return void (again = true);
    const reload = target;
    running = reload()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const handler = (): void => run();
  process.on('SIGHUP', handler);
  return {
    attach(reload) {
      target = reload;
      if (again) {
        again = false;
        run();
      }
    },
    dispose() {
      process.off('SIGHUP', handler);
      target = undefined;
    },
  };
}
