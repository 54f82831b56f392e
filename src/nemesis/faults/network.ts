import type { OpenTarget } from '../../targets/target.js';
import type { Nemesis, NemesisContext } from '../nemesis.js';
import type { ProxyMode } from '../proxy.js';

/** The network faults share one shape: set the proxy's mode, and set it back to pass. */
export function networkFault(name: string, description: string, mode: (ctx: NemesisContext) => ProxyMode): Nemesis {
  return {
    name,
    description,
    needsProxy: true,
    unavailable: (_target: OpenTarget) => undefined,
    async start(ctx) {
      const m = mode(ctx);
      ctx.proxy!.set(m);
      return { ...m };
    },
    async stop(ctx) {
      ctx.proxy!.set({ kind: 'pass' });
    },
  };
}
