import type { Nemesis } from '../nemesis.js';

/** The server dies without warning and comes back later: what it acknowledged must survive. */
export const killNemesis: Nemesis = {
  name: 'kill',
  description: 'kills the server process (SIGKILL) and restarts it when the fault heals (targets we start)',
  needsProxy: false,
  unavailable: (target) => (target.process ? undefined : 'it needs a target whose server objcheck starts: --target s3rver, --target emulator --process, or --target rgw --start'),
  async start(ctx) {
    await ctx.target.process!.kill();
    return { signal: 'SIGKILL' };
  },
  async stop(ctx) {
    await ctx.target.process!.restart();
  },
};
