import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Scheme packages take about half a second to load; CLI tests start real processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
