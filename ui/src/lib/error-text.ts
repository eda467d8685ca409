/**
 * A collector error as one short line for a narrow cell: the part an operator acts on first (which
 * host and port, which socket error), without the error class name or the retry schedule. The
 * whole text stays in the element's title (issue 14: a group's error was cut before host and port).
 */
export function shortError(text: string): string {
  let t = text.trim();
  // "DeviceOfflineError: ..." / "CommError: ...": the class name says nothing to an operator.
  t = t.replace(/^[A-Z][A-Za-z]*Error: /, '');
  // The reconnect schedule is in the device status; here it only pushes the cause out of view.
  t = t.replace(/; next connect attempt at [^;]*$/, '');
  // device "line1" is offline (cannot connect to H:P: connect ECONNREFUSED H:P) -> offline: cannot connect to H:P (ECONNREFUSED)
  t = t.replace(/^device "[^"]+" is offline \((.*)\)$/, 'offline: $1');
  t = t.replace(/cannot connect to (\S+): connect (E[A-Z]+) \S+/, 'cannot connect to $1 ($2)');
  return t;
}
