// The peer conformance suite ceph/s3-tests (../shared/conformance) against the emulator: starts
// `node dist/src/emulator/main.js` with the key pairs the suite signs with, runs the suite's
// runner with a JUnit report, and reads back each test's outcome. The suite lives beside the
// checkout and is never copied into the project.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../util/free-port.js';
import { projectRoot } from '../util/tool-info.js';

/** The tests a consistency test relies on the emulator to get right (issue 20's selection). */
export const SELECTION = 'object or bucket_list or head or get or put or delete or conditional or if_match or if_none_match or multipart or versioning';

/**
 * The emulator's flags for the suite: the key pairs s3tests.conf.tmpl names (main, alt, tenant,
 * iam, iam root, iam alt root), the users it expects behind the first three (ACL tests compare
 * grantees' ids and display names), and access control on at once (--policy-delay 0), so that
 * keys other than a bucket's owner's get only what policies and ACLs grant them.
 */
export const EMULATOR_FLAGS = [
  ...[
    'objcheck:objcheck-secret',
    'altaccesskey:altsecretkey0123456789',
    'tenantaccesskey:tenantsecretkey0123456789',
    'iamaccesskey:iamsecretkey0123456789',
    'iamrootaccesskey:iamrootsecretkey0123456789',
    'iamaltrootaccesskey:iamaltrootsecretkey0123456789',
  ].flatMap((k) => ['--key', k]),
  ...['objcheck:objcheck:M. Tester', 'altaccesskey:altuser:john.doe', 'tenantaccesskey:testx$tenanteduser:testx$tenanteduser'].flatMap((u) => ['--user', u]),
  '--policy-delay',
  '0',
];

export type Outcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface SuiteRun {
  outcomes: Map<string, Outcome>;
  /** The runner's exit code (pytest: 0 all passed, 1 some failed). */
  code: number | null;
  /** The runner's last lines, for a message when it did not run at all. */
  tail: string;
}

/** Where the suite and its runner are: ../shared/conformance beside the checkout, or OBJCHECK_CONFORMANCE. */
export function conformanceDir(): string {
  return process.env.OBJCHECK_CONFORMANCE ?? resolve(projectRoot(), '../shared/conformance');
}

/** Why the suite cannot run here, or undefined. */
export function unavailable(): string | undefined {
  const runner = join(conformanceDir(), 'run-s3-tests.sh');
  if (!existsSync(runner)) return `${runner} not found (set OBJCHECK_CONFORMANCE to the folder holding run-s3-tests.sh)`;
  if (!existsSync(join(projectRoot(), 'dist/src/emulator/main.js'))) return 'dist/src/emulator/main.js not found: run `npx tsc -b` first';
  return undefined;
}

/** Runs the selected tests against a fresh emulator (`--consistency strong`) and returns each test's outcome. */
export async function runSuite(selection = SELECTION, timeoutS = 20): Promise<SuiteRun> {
  const port = await freePort();
  const env = { ...process.env };
  // Loopback HTTP: a CA bundle meant for the real network only gets in the way.
  delete env.AWS_CA_BUNDLE;
  const emulator = spawn(process.execPath, [join(projectRoot(), 'dist/src/emulator/main.js'), '--port', String(port), '--consistency', 'strong', ...EMULATOR_FLAGS], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const work = mkdtempSync(join(tmpdir(), 'objcheck-s3-tests-'));
  try {
    await listening(emulator, port);
    const junit = join(work, 'junit.xml');
    const { code, tail } = await run('bash', [join(conformanceDir(), 'run-s3-tests.sh'), String(port), '-k', selection, `--junitxml=${junit}`], { ...env, TIMEOUT: String(timeoutS) }, work);
    if (!existsSync(junit)) throw new Error(`the conformance runner wrote no report (exit ${code}): ${tail}`);
    return { outcomes: parseJunit(readFileSync(junit, 'utf8')), code, tail };
  } finally {
    emulator.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

/** Waits (bounded) until the emulator says it listens, or fails with what it printed. */
function listening(child: ReturnType<typeof spawn>, port: number): Promise<void> {
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the emulator did not start on port ${port} within 30 s: ${out}`)), 30_000);
    const seen = (d: Buffer) => {
      out += d.toString();
      if (out.includes(`listening on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the emulator exited (${code}) before listening: ${out}`));
    });
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; tail: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', fail);
    child.once('close', (code) => done({ code, tail: out.trim().split('\n').slice(-5).join(' / ') }));
  });
}

/** pytest's JUnit XML: each testcase's name and whether it failed, errored, was skipped or passed. */
export function parseJunit(xml: string): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  const testcase = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = testcase.exec(xml); m !== null; m = testcase.exec(xml)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1];
    if (name === undefined) continue;
    const body = m[3] ?? '';
    const outcome: Outcome = /<failure\b/.test(body) ? 'failed' : /<error\b/.test(body) ? 'error' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
    // A test that errors in teardown after passing appears twice: the worse outcome counts.
    if (outcomes.get(name) === undefined || outcome !== 'passed') outcomes.set(name, outcome);
  }
  return outcomes;
}

/** The expected-pass list: one test name a line, `#` comments. */
export function readExpected(file: string): Set<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== ''),
  );
}

export interface Comparison {
  /** Expected to pass, and did not (or did not run). */
  regressed: { name: string; outcome: Outcome | 'missing' }[];
  /** Passed, though not on the list. */
  newlyPassing: string[];
  counts: Record<Outcome, number>;
}

export function compare(outcomes: ReadonlyMap<string, Outcome>, expected: ReadonlySet<string>): Comparison {
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const o of outcomes.values()) counts[o]++;
  const regressed = [...expected].filter((n) => outcomes.get(n) !== 'passed').map((name) => ({ name, outcome: outcomes.get(name) ?? ('missing' as const) }));
  const newlyPassing = [...outcomes].filter(([n, o]) => o === 'passed' && !expected.has(n)).map(([n]) => n);
  return { regressed, newlyPassing, counts };
}

export const EXPECTED_FILE = join(projectRoot(), 'test/conformance/expected-pass.txt');
