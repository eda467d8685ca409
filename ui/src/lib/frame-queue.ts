/**
 * Coalesce bursts of updates into one flush per animation frame: a stream that delivers 400
 * group messages a second costs at most one store update and one DOM pass per frame. When the
 * page is hidden (no frames), a timer flushes anyway, so pending work stays bounded and the data
 * is fresh when the operator looks again.
 */
export interface FrameQueue {
  /** Ask for a flush (idempotent until it runs). */
  request(): void;
  /** Run the pending flush now (tests, and before a snapshot replaces everything). */
  flushNow(): void;
  cancel(): void;
}

export interface FrameQueueOptions {
  readonly requestFrame?: ((cb: () => void) => number) | undefined;
  readonly cancelFrame?: ((handle: number) => void) | undefined;
  /** Longest wait when frames do not come (hidden tab). */
  readonly maxDelayMs?: number;
}

export function createFrameQueue(flush: () => void, options: FrameQueueOptions = {}): FrameQueue {
  const raf = options.requestFrame ?? (typeof requestAnimationFrame === 'function' ? (cb: () => void) => requestAnimationFrame(cb) : undefined);
  const caf = options.cancelFrame ?? (typeof cancelAnimationFrame === 'function' ? (h: number) => cancelAnimationFrame(h) : undefined);
  const maxDelayMs = options.maxDelayMs ?? 500;
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;

  const clear = (): void => {
    if (frame !== null && caf) caf(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
  };
  const run = (): void => {
    clear();
    if (!pending) return;
    pending = false;
    flush();
  };

  return {
    request() {
      if (pending) return;
      pending = true;
      if (raf) frame = raf(run);
      timer = setTimeout(run, raf ? maxDelayMs : 16);
    },
    flushNow: run,
    cancel() {
      clear();
      pending = false;
    },
  };
}
