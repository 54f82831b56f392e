import { networkFault } from './network.js';

/** Latency and jitter on every byte, both ways: slow networks, not broken ones. */
export const delayNemesis = networkFault('delay', 'adds 50–250 ms of latency with jitter to every packet, both ways', (ctx) => ({
  kind: 'delay',
  latencyMs: 50 + Math.round(ctx.random.next() * 200),
  jitterMs: 20,
}));
