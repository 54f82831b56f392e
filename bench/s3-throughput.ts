// PUT+GET operations a second through each S3 client (lean, our own; sdk, the AWS SDK v3), 16
// workers, against S3-compatible targets that run on this machine, in one process and one run
// so the figures compare; and the client's CPU per request (process.cpuUsage of this process,
// where only the client runs: the emulator is started in a child process for this, s3rver and
// Ceph are child processes anyway), beside the servers' (their processes' CPU from /proc).
// Requests go through the runner's Performer, as the workers' do: a deadline and an abort
// signal each, so that the figure is what a run's workers pay a request.
// The client's CPU a request is split into what the process costs anyway (idle, a second) and
// what waking for an answer costs (main-thread wake-ups a request, and what an empty wake-up
// costs at that rate): at a few hundred requests a second, most of it (bench/process-cost.ts).
// The clients take turns run by run (lean, sdk, lean, sdk…) against stores open side by side, so
// that a machine shared with other work weighs on both alike; rgw (a Ceph cluster the bench
// starts, 1 OSD; skipped where Ceph is not installed) is started once per client instead.
// Usage: npm run bench:s3 [-- --targets emulator,s3rver,rgw --clients lean,sdk --seconds 10 --concurrency 16 --runs 3]
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Performer } from '../src/runner/perform.js';
import { missingCephTools } from '../src/targets/ceph/cluster.js';
import { targets } from '../src/targets/registry.js';
import { S3_CLIENT_KINDS, type OpenTarget, type S3ClientKind } from '../src/targets/target.js';
import type { Workload } from '../workloads/workload.js';
import { cpuNow, cpuSince, idleCpuUsPerSecond, mainThreadWakes, wakeCosts, type WakeCosts } from './process-cost.js';

delete process.env.AWS_CA_BUNDLE;

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: missingCephTools().length === 0 ? 'emulator,s3rver,rgw' : 'emulator,s3rver' },
    clients: { type: 'string', default: S3_CLIENT_KINDS.join(',') },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    runs: { type: 'string', default: '3' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const runs = Number(values.runs);
const OP_TIMEOUT_MS = 5000;
/**
 * Not counted: the first requests of a client are its JIT's (V8 optimizes by calls made, not by
 * time: at a few hundred requests a second, two seconds left the client's code half-optimized,
 * measured at twice its CPU a request), and a fresh store's.
 */
const WARM_UP = { minS: 2, minRequests: 10_000, maxS: 30 };
const body = new TextEncoder().encode('x'.repeat(64));

/** PUT and GET, performed as the runner performs a workload's ops. */
const putGet: Workload = {
  name: 'bench-put-get',
  description: "bench:s3's PUT and GET of a worker's own keys",
  fs: new Set(['put', 'get']),
  reads: new Set(['get']),
  checkers: [],
  generator() {
    throw new Error('bench:s3 makes its own ops');
  },
  execute: (client, op, options) => (op.f === 'put' ? client.put(op.key!, body, options) : client.get(op.key!, options)),
};
const kinds = values.clients!.split(',').map((k) => {
  if (!(S3_CLIENT_KINDS as readonly string[]).includes(k)) throw new Error(`no client ${k}: ${S3_CLIENT_KINDS.join(', ')}`);
  return k as S3ClientKind;
});

interface Measured {
  /** PUT+GET requests a second. */
  rate: number;
  /** CPU of this process (the client) per request, µs. */
  cpuUs: number;
  /** Of which the main thread's (the rest: V8's compiler and GC threads). */
  mainUs: number;
  /** Times the main thread was woken, per request; undefined without /proc. */
  wakes?: number;
  /** CPU of our child processes (the servers) per request, µs; undefined without /proc. */
  serverUs?: number;
}

/**
 * CPU µs used so far by this process's children and theirs (the store's server processes),
 * from /proc; undefined where there is no /proc. Stores started side by side are all counted:
 * the one not being measured is idle.
 */
function serversCpuUs(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  const parents = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const e of entries) {
    try {
      // After the command's closing parenthesis: state, ppid, … utime (12th), stime (13th), in clock ticks.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(e), Number(f[1]));
      cpu.set(Number(e), Number(f[11]) + Number(f[12]));
    } catch {
      // Gone meanwhile.
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, t] of cpu) if (ours(pid)) ticks += t;
  return (ticks / CLOCK_TICKS) * 1e6;
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times. */
const CLOCK_TICKS = 100;

async function measure(label: string, opened: OpenTarget, until: { minS: number; minRequests: number; maxS: number }): Promise<Measured> {
  const stop = new AbortController();
  const performer = new Performer(putGet, opened.client, OP_TIMEOUT_MS, stop.signal);
  let ops = 0;
  let errors = 0;
  const start = performance.now();
  const more = () => {
    const s = (performance.now() - start) / 1000;
    return s < until.minS || (ops < until.minRequests && s < until.maxS);
  };
  const worker = async (w: number) => {
    // Each worker its own keys: the figure is the server's throughput, not contention's.
    for (let i = 0; more(); i++) {
      const key = `w${w}/k${i % 8}`;
      for (const f of ['put', 'get']) {
        if ((await performer.perform({ f, key })).type === 'ok') ops++;
        else errors++;
      }
    }
  };
  const cpu = cpuNow();
  const wakes = mainThreadWakes();
  const servers = serversCpuUs();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - start) / 1000;
  const used = cpuSince(cpu);
  const wakesAfter = mainThreadWakes();
  const serversAfter = serversCpuUs();
  performer.dispose();
  if (errors > 0) console.log(`  ${label}: ${errors} errors`);
  const n = Math.max(1, ops);
  return {
    rate: ops / elapsed,
    cpuUs: used.processUs / n,
    mainUs: used.mainUs / n,
    ...(wakes !== undefined && wakesAfter !== undefined ? { wakes: (wakesAfter - wakes) / n } : {}),
    ...(servers !== undefined && serversAfter !== undefined ? { serverUs: (serversAfter - servers) / n } : {}),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function open(name: string, kind: S3ClientKind): Promise<OpenTarget> {
  const target = targets.get(name);
  if (!target) throw new Error(`no target ${name}`);
  const began = performance.now();
  const opened = await target.open({
    prefix: `objcheck/bench-${kind}-${Date.now()}/`,
    seed: 1,
    opTimeoutMs: OP_TIMEOUT_MS,
    concurrency,
    latencyMs: 0,
    client: kind,
    start: name === 'rgw',
    // Its own process, so that its CPU is not the client's.
    ...(name === 'emulator' ? { emulatorFlags: ['--process'] } : {}),
  });
  console.log(`${name} (${kind} client): open (start, preflight) ${((performance.now() - began) / 1000).toFixed(1)} s`);
  return opened;
}

/** What the process costs whatever it does, and what one wake-up costs at the rate the runs woke it. */
interface FixedCosts {
  idleUsPerS: number;
  wake?: WakeCosts;
}

const results = new Map<string, Map<S3ClientKind, Measured[]>>();
const fixed = new Map<string, Map<S3ClientKind, FixedCosts>>();
for (const name of values.targets!.split(',')) {
  const byKind = new Map<S3ClientKind, Measured[]>(kinds.map((k) => [k, []]));
  results.set(name, byKind);
  const fixedByKind = new Map<S3ClientKind, FixedCosts>();
  fixed.set(name, fixedByKind);
  // A Ceph cluster takes seconds to start and a share of the machine to run: one at a time.
  const groups = name === 'rgw' ? kinds.map((k) => [k]) : [kinds];
  for (const group of groups) {
    const opened = new Map<S3ClientKind, OpenTarget>();
    try {
      for (const kind of group) opened.set(kind, await open(name, kind));
      for (const kind of group) {
        const m = await measure(`${name} ${kind} warm-up`, opened.get(kind)!, WARM_UP);
        console.log(`${name} ${kind} warm-up (not counted): ${fmt(m.rate)} ops/s, client CPU ${m.cpuUs.toFixed(1)} µs/request`);
      }
      for (let r = 0; r < runs; r++) {
        for (const kind of group) {
          const m = await measure(`${name} ${kind}`, opened.get(kind)!, { minS: seconds, minRequests: 0, maxS: seconds });
          byKind.get(kind)!.push(m);
          console.log(
            `${name} ${kind} run ${r + 1}: ${fmt(m.rate)} ops/s, client CPU ${m.cpuUs.toFixed(1)} µs/request (main thread ${m.mainUs.toFixed(1)})` +
              `${m.wakes !== undefined ? `, ${m.wakes.toFixed(2)} wake-ups/request` : ''}${m.serverUs !== undefined ? `, server CPU ${Math.round(m.serverUs)} µs/request` : ''}`,
          );
        }
      }
      // The process's costs apart from requests, with the clients open: idle, and an empty wake-up
      // at the rate the runs woke the main thread.
      for (const kind of group) {
        const ms = byKind.get(kind)!;
        const idleUsPerS = await idleCpuUsPerSecond(2000);
        const wakeRate = ms.every((m) => m.wakes !== undefined) ? median(ms.map((m) => m.wakes! * m.rate)) : undefined;
        fixedByKind.set(kind, { idleUsPerS, ...(wakeRate !== undefined && wakeRate >= 1 ? { wake: await wakeCosts(wakeRate, 2000) } : {}) });
      }
    } finally {
      for (const o of opened.values()) await o.close();
    }
  }
}

console.log(`\nmedians of ${runs} runs, PUT+GET, ${concurrency} workers, ${seconds} s each:`);
console.log('  target     client      ops/s   client CPU µs/request   main thread   wake-ups/request   server CPU µs/request');
for (const [name, byKind] of results) {
  for (const [kind, ms] of byKind) {
    const server = ms.every((m) => m.serverUs !== undefined) ? String(Math.round(median(ms.map((m) => m.serverUs!)))) : '-';
    const wakes = ms.every((m) => m.wakes !== undefined) ? median(ms.map((m) => m.wakes!)).toFixed(2) : '-';
    console.log(
      `  ${name.padEnd(10)} ${kind.padEnd(6)} ${fmt(median(ms.map((m) => m.rate))).padStart(10)}   ${median(ms.map((m) => m.cpuUs)).toFixed(1).padStart(21)}   ${median(ms.map((m) => m.mainUs)).toFixed(1).padStart(11)}   ${wakes.padStart(16)}   ${server.padStart(21)}`,
    );
  }
  const lean = byKind.get('lean');
  const sdk = byKind.get('sdk');
  if (lean && sdk) {
    // Run by run (taken side by side), then the median of those ratios.
    const speedup = median(lean.map((m, i) => m.rate / sdk[i]!.rate));
    const cpu = median(lean.map((m, i) => sdk[i]!.cpuUs / m.cpuUs));
    // Where the server is the limit, no client can raise the ops/s: say how busy it was.
    const busy = (ms: Measured[]) => (ms.every((m) => m.serverUs !== undefined) ? median(ms.map((m) => (m.rate * m.serverUs!) / 1e6)) : undefined);
    const [leanBusy, sdkBusy] = [busy(lean), busy(sdk)];
    const servers = leanBusy !== undefined && sdkBusy !== undefined ? `; the server busy ${leanBusy.toFixed(2)} CPU-s a second with lean, ${sdkBusy.toFixed(2)} with sdk` : '';
    console.log(`  ${name.padEnd(10)} lean/sdk: ${speedup.toFixed(2)}x the ops/s, ${cpu.toFixed(1)}x less client CPU a request${servers}`);
  }
}
console.log(
  '\nthe client CPU a request, split: the idle process (its share at the rate), wake-ups (a timer\'s, less the idle of its interval),' +
    ' the rest; and how much slower a fixed piece of work ran once a wake-up at that rate than back to back:',
);
for (const [name, byKind] of results) {
  for (const [kind, ms] of byKind) {
    const f = fixed.get(name)?.get(kind);
    if (!f) continue;
    const rate = median(ms.map((m) => m.rate));
    const cpuUs = median(ms.map((m) => m.cpuUs));
    const idleUs = f.idleUsPerS / rate;
    const wakes = ms.every((m) => m.wakes !== undefined) ? median(ms.map((m) => m.wakes!)) : undefined;
    // A wake-up's CPU includes the idle CPU of its interval: counted once, in idle.
    const oneWakeUs = wakes !== undefined && f.wake ? Math.max(0, f.wake.wakeUs - f.idleUsPerS / (wakes * rate)) : undefined;
    const wakeUs = oneWakeUs !== undefined ? wakes! * oneWakeUs : 0;
    console.log(
      `  ${name.padEnd(10)} ${kind.padEnd(6)} ${cpuUs.toFixed(1)} µs = idle ${(f.idleUsPerS / 1000).toFixed(2)} ms/s → ${idleUs.toFixed(1)} µs` +
        (oneWakeUs !== undefined ? ` + ${wakes!.toFixed(2)} wake-ups × ${oneWakeUs.toFixed(1)} µs → ${wakeUs.toFixed(1)} µs` : '') +
        ` + the rest ${(cpuUs - idleUs - wakeUs).toFixed(1)} µs` +
        (f.wake ? `; work ${f.wake.slowdown.toFixed(1)}x slower` : ''),
    );
  }
}
