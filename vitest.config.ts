import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real runs; give them room on a loaded 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The AWS SDK's notice that its 2027 releases need Node 22 would fill the test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
