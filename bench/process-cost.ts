import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// What this process's CPU is made of, to split a client's CPU a request into what each request
// costs and what the process costs anyway. At a few hundred requests a second each answer wakes
// the event loop alone, out of epoll, on caches that the server and other processes have
// filled since; at thousands a second, one wake-up reads several answers. Both the CPU per
// wake-up and an idle process's CPU a second are measured here rather than assumed.

/** CPU µs of the whole process (all threads: V8's compilers and GC helpers too) and of the main thread alone. */
export interface CpuSample {
  processUs: number;
  mainUs: number;
}

export function cpuNow(): CpuSample {
  const p = process.cpuUsage();
  const m = process.threadCpuUsage();
  return { processUs: p.user + p.system, mainUs: m.user + m.system };
}

export function cpuSince(before: CpuSample): CpuSample {
  const now = cpuNow();
  return { processUs: now.processUs - before.processUs, mainUs: now.mainUs - before.mainUs };
}

/**
 * How many times the main thread has gone to sleep and been woken (its voluntary context
 * switches, from /proc): each is one wait in epoll that ended. Undefined without /proc.
 */
export function mainThreadWakes(): number | undefined {
  try {
    const m = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(readFileSync('/proc/thread-self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The process's CPU µs a second while it does nothing of its own (its connections open, no requests). */
export async function idleCpuUsPerSecond(ms: number): Promise<number> {
  const before = cpuNow();
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuSince(before).processUs / ((performance.now() - start) / 1000);
}

/** A wake-up's costs on this machine at some rate, measured with a timer in place of an answer. */
export interface WakeCosts {
  /** The process's CPU µs a wake-up beyond the work done in it, idle CPU of the interval included. */
  wakeUs: number;
  /**
   * How many times longer a fixed piece of work (a request's kind: objects, strings, a hash)
   * took once a wake-up than back to back: the same code on caches that others filled meanwhile.
   */
  slowdown: number;
}

/** A wake-up's costs at `perSecond` wake-ups a second (one timer each), measured over `ms`. */
export async function wakeCosts(perSecond: number, ms: number): Promise<WakeCosts> {
  const gapMs = Math.max(1, Math.round(1000 / perSecond));
  const n = Math.max(1, Math.round(ms / gapMs));
  // Medians of the clock's time: the thread's own CPU time (getrusage) moves only at ticks and
  // switches, too coarse for a few µs, and on a loaded machine the odd run of the work that is
  // preempted midway counts other processes' time, which a median leaves out.
  const timed = (i: number) => {
    const start = performance.now();
    probeWork(i);
    return (performance.now() - start) * 1000;
  };
  for (let i = 0; i < 2000; i++) probeWork(i);
  const backToBackUs = median(Array.from({ length: 2000 }, (_, i) => timed(i)));
  const inWork: number[] = [];
  const before = cpuNow();
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    inWork.push(timed(i));
  }
  const cpuUs = cpuSince(before).processUs;
  const inWorkUs = median(inWork);
  return { wakeUs: Math.max(0, cpuUs / n - inWorkUs), slowdown: inWorkUs / backToBackUs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

let sink = 0;

function probeWork(i: number): void {
  const headers: Record<string, string> = { host: '127.0.0.1:9000', 'x-amz-date': new Date(1e12 + i).toISOString() };
  for (let k = 0; k < 8; k++) headers[`x-amz-meta-k${k}`] = `value ${i} ${k}`;
  let canonical = '';
  for (const name of Object.keys(headers).sort()) canonical += `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`;
  sink ^= hash('sha256', canonical, 'buffer')[0]! ^ JSON.stringify(headers).length;
}
