// The model states a search reaches, interned to small integers (so that a configuration is a
// bitset and a number), with each op's last transition memoised: the search retries an op from
// the same state again and again.

import type { Op } from '../../src/history/event.js';
import type { Model } from './model.js';

export class StateTable<S> {
  /** The states by id. */
  readonly states: S[] = [];
  /** Each state's 32-bit hash, for the configuration cache. */
  readonly hashes: number[] = [];
  /** Per op: the state id its memoised transition starts from (-1: none) and where it leads (-1: illegal). */
  readonly memoFrom: Int32Array;
  readonly memoTo: Int32Array;
  private readonly chain: number[] = [];
  private readonly byHash = new Map<number, number>();
  /** When the model gives states a primitive key: a native Map on it, faster than hash + equal. */
  private readonly byKey: Map<unknown, number> | undefined;

  constructor(
    private readonly model: Model<S>,
    private readonly ops: readonly Op[],
  ) {
    this.byKey = model.stateKey ? new Map<unknown, number>() : undefined;
    this.memoFrom = new Int32Array(ops.length).fill(-1);
    this.memoTo = new Int32Array(ops.length);
  }

  /** The id of state s, a new one when no equal state is known. */
  intern(s: S): number {
    const { states, hashes, byKey } = this;
    if (byKey) {
      const k = this.model.stateKey!(s);
      const known = byKey.get(k);
      if (known !== undefined) return known;
      const id = states.length;
      states.push(s);
      hashes.push(typeof k === 'number' ? k | 0 : id);
      byKey.set(k, id);
      return id;
    }
    const h = this.model.hash(s) | 0;
    const first = this.byHash.get(h);
    for (let id = first ?? -1; id >= 0; id = this.chain[id]!) {
      if (this.model.equal(states[id]!, s)) return id;
    }
    const id = states.length;
    states.push(s);
    hashes.push(h);
    this.chain.push(first ?? -1);
    this.byHash.set(h, id);
    return id;
  }

  /** The state after op o from state sid, or -1 when o is illegal there. */
  transition(sid: number, o: number): number {
    if (this.memoFrom[o] === sid) return this.memoTo[o]!;
    const next = this.model.step(this.states[sid]!, this.ops[o]!);
    const r = next === undefined ? -1 : this.intern(next);
    this.memoFrom[o] = sid;
    this.memoTo[o] = r;
    return r;
  }
}
