import type { TargetClient } from '../targets/target.js';

/** Bytes of object bodies the run moved, counted where they cross the client. */
export interface ByteCounts {
  /** Bodies of PUTs the store acknowledged. */
  written: number;
  /** Bodies of GETs that returned an object. */
  read: number;
}

/**
 * The client, counting the bodies of successful PUTs and GETs: the run's bandwidth beside its
 * ops/s. Counted at the client rather than derived from the history, because the history
 * records which value was read, not how many bytes carried it (a torn read is shorter).
 */
export function countingBytes(client: TargetClient, bytes: ByteCounts = { written: 0, read: 0 }): { client: TargetClient; bytes: ByteCounts } {
  const counted: TargetClient = Object.create(client) as TargetClient;
  counted.get = async (key, options) => {
    const o = await client.get(key, options);
    if (o) bytes.read += o.body.byteLength;
    return o;
  };
  counted.put = async (key, body, options) => {
    const r = await client.put(key, body, options);
    bytes.written += body.byteLength;
    return r;
  };
  return { client: counted, bytes };
}
