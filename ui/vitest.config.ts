import { defineProject } from 'vitest/config';
import solid from 'vite-plugin-solid';

/** Component tests of the panel: jsdom, Solid's JSX transform. */
export default defineProject({
  plugins: [solid()],
  test: {
    name: 'ui',
    root: new URL('.', import.meta.url).pathname,
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    server: { deps: { inline: [/solid-js/, /@solidjs/] } },
  },
  resolve: { conditions: ['development', 'browser'] },
});
