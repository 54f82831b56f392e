import type { Nemesis } from '../nemesis.js';

/** The server freezes (a GC pause, a stalled VM): requests hang, then all complete at once. */
export const pauseNemesis: Nemesis = {
  name: 'pause',
  description: 'pauses the server process (SIGSTOP) and resumes it (SIGCONT) when the fault heals (targets we start)',
  needsProxy: false,
  unavailable: (target) => (target.process ? undefined : 'it needs a target whose server objcheck starts: --target s3rver, --target emulator --process, or --target rgw --start'),
  async start(ctx) {
    ctx.target.process!.pause();
    return { signal: 'SIGSTOP' };
  },
  async stop(ctx) {
    ctx.target.process!.resume();
  },
};
