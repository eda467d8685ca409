import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

/** Issue 13: JSSCADA_LOG_LEVEL had no test. */
describe('log level', () => {
  const saved = process.env.JSSCADA_LOG_LEVEL;
  afterEach(() => {
    if (saved === undefined) delete process.env.JSSCADA_LOG_LEVEL;
    else process.env.JSSCADA_LOG_LEVEL = saved;
  });

  it('comes from JSSCADA_LOG_LEVEL when --log-level is not given, and defaults to info', () => {
    delete process.env.JSSCADA_LOG_LEVEL;
    expect(createLogger({}).level).toBe('info');
    process.env.JSSCADA_LOG_LEVEL = 'warn';
    const logger = createLogger({});
    expect(logger.level).toBe('warn');
    expect(logger.isLevelEnabled('info')).toBe(false);
    expect(logger.isLevelEnabled('warn')).toBe(true);
  });

  it('--log-level wins over the environment', () => {
    process.env.JSSCADA_LOG_LEVEL = 'error';
    expect(createLogger({ level: 'debug' }).level).toBe('debug');
  });
});
