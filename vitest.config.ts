import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary folder of the run under one, removed at its end (test/temp-root.ts).
    globalSetup: ['test/temp-root.ts'],
    // CLI tests spawn real runs; give them room on a loaded 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
