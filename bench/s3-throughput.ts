// PUT+GET operations a second through each S3 client (lean, our own; sdk, the AWS SDK v3), 16
// workers, against S3-compatible targets that run on this machine, in one process and one run
// so the figures compare; and the client's CPU per request (process.cpuUsage of this process,
// where only the client runs: the emulator is started in a child process for this, s3rver and
// Ceph are child processes anyway), beside the servers' (their processes' CPU from /proc).
// The clients take turns run by run (lean, sdk, lean, sdk…) against stores open side by side, so
// that a machine shared with other work weighs on both alike; rgw (a Ceph cluster the bench
// starts, 1 OSD; skipped where Ceph is not installed) is started once per client instead.
// Usage: npm run bench:s3 [-- --targets emulator,s3rver,rgw --clients lean,sdk --seconds 10 --concurrency 16 --runs 3]
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { missingCephTools } from '../src/targets/ceph/cluster.js';
import { targets } from '../src/targets/registry.js';
import { S3_CLIENT_KINDS, type OpenTarget, type S3ClientKind } from '../src/targets/target.js';

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
const WARM_UP_S = 2;
const kinds = values.clients!.split(',').map((k) => {
  if (!(S3_CLIENT_KINDS as readonly string[]).includes(k)) throw new Error(`no client ${k}: ${S3_CLIENT_KINDS.join(', ')}`);
  return k as S3ClientKind;
});

interface Measured {
  /** PUT+GET requests a second. */
  rate: number;
  /** CPU of this process (the client) per request, µs. */
  cpuUs: number;
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

async function measure(label: string, opened: OpenTarget, forSeconds = seconds): Promise<Measured> {
  const body = new TextEncoder().encode('x'.repeat(64));
  let ops = 0;
  let errors = 0;
  const end = performance.now() + forSeconds * 1000;
  const worker = async (w: number) => {
    // Each worker its own keys: the figure is the server's throughput, not contention's.
    for (let i = 0; performance.now() < end; i++) {
      const key = `w${w}/k${i % 8}`;
      try {
        await opened.client.put(key, body);
        await opened.client.get(key);
        ops += 2;
      } catch {
        errors++;
      }
    }
  };
  const cpu = process.cpuUsage();
  const servers = serversCpuUs();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const serversAfter = serversCpuUs();
  if (errors > 0) console.log(`  ${label}: ${errors} errors`);
  const n = Math.max(1, ops);
  return {
    rate: ops / elapsed,
    cpuUs: (used.user + used.system) / n,
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
    opTimeoutMs: 5000,
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

const results = new Map<string, Map<S3ClientKind, Measured[]>>();
for (const name of values.targets!.split(',')) {
  const byKind = new Map<S3ClientKind, Measured[]>(kinds.map((k) => [k, []]));
  results.set(name, byKind);
  // A Ceph cluster takes seconds to start and a share of the machine to run: one at a time.
  const groups = name === 'rgw' ? kinds.map((k) => [k]) : [kinds];
  for (const group of groups) {
    const opened = new Map<S3ClientKind, OpenTarget>();
    try {
      for (const kind of group) opened.set(kind, await open(name, kind));
      // Not counted: the first seconds of a client are its JIT's, and a fresh store's.
      for (const kind of group) await measure(`${name} ${kind} warm-up`, opened.get(kind)!, WARM_UP_S);
      for (let r = 0; r < runs; r++) {
        for (const kind of group) {
          const m = await measure(`${name} ${kind}`, opened.get(kind)!);
          byKind.get(kind)!.push(m);
          console.log(`${name} ${kind} run ${r + 1}: ${fmt(m.rate)} ops/s, client CPU ${m.cpuUs.toFixed(1)} µs/request${m.serverUs !== undefined ? `, server CPU ${Math.round(m.serverUs)} µs/request` : ''}`);
        }
      }
    } finally {
      for (const o of opened.values()) await o.close();
    }
  }
}

console.log(`\nmedians of ${runs} runs, PUT+GET, ${concurrency} workers, ${seconds} s each:`);
console.log('  target     client      ops/s   client CPU µs/request   server CPU µs/request');
for (const [name, byKind] of results) {
  for (const [kind, ms] of byKind) {
    const server = ms.every((m) => m.serverUs !== undefined) ? String(Math.round(median(ms.map((m) => m.serverUs!)))) : '-';
    console.log(`  ${name.padEnd(10)} ${kind.padEnd(6)} ${fmt(median(ms.map((m) => m.rate))).padStart(10)}   ${median(ms.map((m) => m.cpuUs)).toFixed(1).padStart(21)}   ${server.padStart(21)}`);
  }
  const lean = byKind.get('lean');
  const sdk = byKind.get('sdk');
  if (lean && sdk) {
    // Run by run (taken side by side), then the median of those ratios.
    const speedup = median(lean.map((m, i) => m.rate / sdk[i]!.rate));
    const cpu = median(lean.map((m, i) => sdk[i]!.cpuUs / m.cpuUs));
    console.log(`  ${name.padEnd(10)} lean/sdk: ${speedup.toFixed(2)}x the ops/s, ${cpu.toFixed(1)}x less client CPU a request`);
  }
}
