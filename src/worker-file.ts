/**
 * Resolve a worker module beside the caller. Built code runs `.js` files as they are; when the
 * caller is TypeScript source (tests, `tsx`), the worker is the `.ts` file and loads through tsx.
 */
export function workerFile(callerUrl: string, relative: string): { filename: string; execArgv: string[] } {
  const fromSource = callerUrl.endsWith('.ts');
  const filename = new URL(`${relative}${fromSource ? '.ts' : '.js'}`, callerUrl).href;
  return { filename, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}
