// Stores with an injected fault: a client with some methods replaced, the rest its own.
import { TargetError, type OpenTarget, type Target, type TargetClient } from '../../src/targets/target.js';

/** The client with some methods replaced; every other call goes to the client itself. */
export function faulty(c: TargetClient, overrides: Partial<TargetClient>): TargetClient {
  return Object.assign(Object.create(c) as TargetClient, overrides);
}

/** The target whose opened client has the methods `overrides(client)` gives replaced. */
export function faultyTarget(target: Target, overrides: (c: TargetClient) => Partial<TargetClient>): Target {
  return {
    ...target,
    async open(options): Promise<OpenTarget> {
      const opened = await target.open(options);
      return { ...opened, client: faulty(opened.client, overrides(opened.client)) };
    },
  };
}

/** The store as Ceph RGW 16 behaves: every PUT with If-Match refused with 412, matching or not. */
export function refusingIfMatch(target: Target): Target {
  return faultyTarget(target, (c) => ({
    put: async (key, body, o) => {
      if (o?.ifMatch !== undefined) throw new TargetError('precondition', 'PreconditionFailed (HTTP 412)');
      return c.put(key, body, o);
    },
  }));
}
