import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { CANCEL_QUIET_MS, createTokenPrompt } from './token-prompt.js';

describe('token prompt', () => {
  it('asks once for requests refused together, and gives them all the answer', async () => {
    await createRoot(async () => {
      const p = createTokenPrompt();
      const a = p.ask('first');
      const b = p.ask('second');
      expect(p.pending()?.reason).toBe('first');
      p.answer('  tok-0123456789abcdef  ');
      expect(await a).toBe('tok-0123456789abcdef');
      expect(await b).toBe('tok-0123456789abcdef');
      expect(p.pending()).toBeNull();
    });
  });

  it('does not nag after a cancel: background requests get no question for a minute, the operator can still ask', async () => {
    await createRoot(async () => {
      let t = 0;
      const p = createTokenPrompt(() => t);
      const first = p.ask('polled value');
      p.answer(null);
      expect(await first).toBeNull();
      t = CANCEL_QUIET_MS - 1;
      expect(await p.ask('polled again')).toBeNull();
      expect(p.pending()).toBeNull();
      const forced = p.ask('operator pressed Enter token', { force: true });
      expect(p.pending()?.reason).toBe('operator pressed Enter token');
      p.answer('tok');
      expect(await forced).toBe('tok');
      t = CANCEL_QUIET_MS * 2;
      void p.ask('later');
      expect(p.pending()?.reason).toBe('later');
    });
  });
});
