/**
 * Fault switches of the simulated MC module, read on every request so tests can flip them at
 * run time (`sim.faults.silent = true`). Each reproduces a behaviour of real modules.
 */
export interface McFaults {
  /** Write each reply in segments of this many bytes, 1 ms apart (0 = one write). Real: 1,931-byte replies split at 1,460. */
  splitReplies: number;
  /** Hold every reply this long after processing: above the client's timeout it becomes a stale reply. */
  replyDelayMs: number;
  /** Processing time per request, one request at a time per connection (a slow PLC: one 10 ms scan). */
  scanMs: number;
  /** Accept and read, never answer. */
  silent: boolean;
  /** Send the first half of each reply, then reset the connection (RST). */
  resetMidReply: boolean;
  /**
   * Delay of the route to a remote station. When a request's monitoring timer (x 250 ms) is
   * shorter, the module answers C05E once the timer expires; otherwise the reply comes after the delay.
   */
  routeDelayMs: number;
  /** Connections accepted at once; further ones are handled per `excessConnection`. */
  maxConnections: number;
  /** reset: RST at once (refused); close: closed at once; ignore: kept open, never answered (dropped). */
  excessConnection: 'reset' | 'close' | 'ignore';
  /**
   * Hold replies until this many are ready (or 250 ms passed) and send them in one write: several
   * frames in one read for a pipelining 4E client. 0/1 = off.
   */
  coalesceReplies: number;
  /** 4E: answer with the request's serial + 1, as a confused module or middlebox would. */
  wrongSerial: boolean;
  /** UDP: drop this many of the next request datagrams unanswered (lost on the way), counting down. */
  dropRequests: number;
  /** UDP: send every reply datagram twice (a duplicating network path). */
  duplicateReplies: boolean;
  /** UDP: send replies from another local port than the one the request went to (a stranger's datagram). */
  replyFromOtherPort: boolean;
  /**
   * Device ranges the module refuses with C056 (address out of range), switchable at run time: a
   * CPU whose device allocation ends below what a tag asks for (`[{ device: 'D', start: 10000 }]`).
   * Any read or write touching a refused point is refused as a whole, as a real CPU does.
   */
  refuse: readonly McRefusal[];
}

/** Points `start` .. `start + count - 1` of one device (all from `start` when count is absent). */
export interface McRefusal {
  readonly device: string;
  readonly start: number;
  readonly count?: number | undefined;
}

export const DEFAULT_FAULTS: Readonly<McFaults> = {
  splitReplies: 0,
  replyDelayMs: 0,
  scanMs: 0,
  silent: false,
  resetMidReply: false,
  routeDelayMs: 0,
  maxConnections: Number.POSITIVE_INFINITY,
  excessConnection: 'reset',
  coalesceReplies: 0,
  wrongSerial: false,
  dropRequests: 0,
  duplicateReplies: false,
  replyFromOtherPort: false,
  refuse: [],
};
