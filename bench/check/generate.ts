// Generates a linearizable register history in our JSONL format (one event a line):
//   node dist/bench/check/generate.js [out.jsonl] [ops=1000000] [keys=1000] [processes=50] [infoRate=0.05] [seed=1]
// Each process runs put/get/delete ops back to back on random keys; every op takes effect at a
// random point of its interval, so the history is linearizable. A write crashes (info) with
// probability infoRate and then took effect or not (half each); the process continues under a
// new number, as Jepsen does.

import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Random } from '../../src/util/random.js';

interface GOp {
  process: number;
  f: 'put' | 'get' | 'delete';
  key: number;
  invoke: number;
  lin: number;
  complete: number;
  value: number | null;
  info: boolean;
  applied: boolean;
}

/** A float in [0, 1) from the project's seeded generator. */
function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

export async function generate(out: string, nOps: number, nKeys: number, nProcs: number, infoRate: number, seed: number): Promise<void> {
  const r = rng(seed);
  const ops: GOp[] = [];
  let nextValue = 1;
  const perProc = Math.ceil(nOps / nProcs);
  for (let slot = 0; slot < nProcs; slot++) {
    let t = Math.floor(r() * 1_000_000);
    let process = slot;
    for (let i = 0; i < perProc && ops.length < nOps; i++) {
      const x = r();
      const f = x < 0.4 ? 'put' : x < 0.45 ? 'delete' : 'get';
      const invoke = t;
      const complete = invoke + 200_000 + Math.floor(r() * 5_000_000); // 0.2 to 5.2 ms
      const lin = invoke + Math.floor(r() * (complete - invoke));
      const info = f !== 'get' && r() < infoRate;
      ops.push({
        process,
        f,
        key: Math.floor(r() * nKeys),
        invoke,
        lin,
        complete,
        value: f === 'put' ? nextValue++ : null,
        info,
        applied: !info || r() < 0.5,
      });
      if (info) process += nProcs; // a crashed process continues under a new number
      t = complete + Math.floor(r() * 500_000);
    }
  }
  // Apply the ops in linearization order to get what each get read.
  const byLin = ops.slice().sort((a, b) => a.lin - b.lin);
  const state = new Array<number | null>(nKeys).fill(null);
  for (const op of byLin) {
    if (op.f === 'get') op.value = state[op.key]!;
    else if (op.applied) state[op.key] = op.f === 'put' ? op.value : null;
  }
  // Events in time order: each op's invoke and completion.
  const n = ops.length;
  const evTime = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    evTime[2 * i] = ops[i]!.invoke;
    evTime[2 * i + 1] = ops[i]!.complete;
  }
  const order = new Uint32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) order[i] = i;
  order.sort((a, b) => evTime[a]! - evTime[b]! || a - b);
  const t0 = evTime[order[0]!]!;
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const w = createWriteStream(out);
  let buf: string[] = [];
  for (let index = 0; index < 2 * n; index++) {
    const ev = order[index]!;
    const op = ops[ev >>> 1]!;
    const isInvoke = (ev & 1) === 0;
    const e: Record<string, unknown> = { index, time: evTime[ev]! - t0, process: op.process };
    if (isInvoke) {
      e.type = 'invoke';
      e.f = op.f;
      e.key = `k${op.key}`;
      if (op.f === 'put') e.value = op.value;
    } else {
      e.type = op.info ? 'info' : 'ok';
      e.f = op.f;
      e.key = `k${op.key}`;
      if (op.f === 'get') e.value = op.value;
      if (op.info) e.error = 'timeout';
    }
    buf.push(JSON.stringify(e));
    if (buf.length >= 10_000) {
      if (!w.write(buf.join('\n') + '\n')) await new Promise<void>((res) => w.once('drain', () => res()));
      buf = [];
    }
  }
  if (buf.length > 0) w.write(buf.join('\n') + '\n');
  await new Promise<void>((res, rej) => w.end((err?: Error | null) => (err ? rej(err) : res())));
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]));
if (isMain) {
  const [out = 'results/bench/register-1m.jsonl', ops = '1000000', keys = '1000', procs = '50', info = '0.05', seed = '1'] = process.argv.slice(2);
  const t = performance.now();
  await generate(out, Number(ops), Number(keys), Number(procs), Number(info), Number(seed));
  console.log(`wrote ${out}: ${ops} ops, ${keys} keys, ${procs} processes, ${info} info writes, in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
