import { DelayedSetting } from '../delayed-setting.js';
import type { GroundTruthLog } from '../ground-truth.js';
import { S3Error } from '../errors.js';
import { evaluate, parsePolicy, type Statement } from './policy.js';

/** The S3 action each operation needs, where it is not simply s3:<operation>. */
const ACTIONS: Record<string, string> = {
  HeadObject: 's3:GetObject',
  CopyObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  DeleteObjects: 's3:DeleteObject',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
};

export interface StoredPolicy {
  text: string;
  statements: Statement[];
}

export interface AccessDelays {
  /** How long after PutBucketPolicy / DeleteBucketPolicy answered the change governs requests. */
  policyDelayMs: number;
  /** How long after an access key is disabled or enabled the change governs requests. */
  keyStateDelayMs: number;
}

/**
 * Who may do what: the first key pair owns every bucket and may do anything; the other keys
 * only what a bucket policy allows them, and nothing while their key is disabled. Policy and
 * key-state changes take effect after the configured delays, as IAM's and GCS's caches do,
 * while reading a policy back shows the latest one at once.
 */
export class AccessControl {
  private readonly policies = new Map<string, DelayedSetting<StoredPolicy | null>>();
  private readonly keyStates = new Map<string, DelayedSetting<boolean>>();

  constructor(
    private readonly owner: string,
    keyIds: readonly string[],
    private readonly delays: AccessDelays,
    private readonly now: () => number,
    private readonly truth?: GroundTruthLog,
  ) {
    for (const id of keyIds) this.keyStates.set(id, new DelayedSetting(true, delays.keyStateDelayMs, now));
  }

  private policy(bucket: string): DelayedSetting<StoredPolicy | null> {
    let p = this.policies.get(bucket);
    if (!p) this.policies.set(bucket, (p = new DelayedSetting<StoredPolicy | null>(null, this.delays.policyDelayMs, this.now)));
    return p;
  }

  putPolicy(bucket: string, text: string): void {
    this.policy(bucket).set({ text, statements: parsePolicy(text) });
    this.record('policy', this.delays.policyDelayMs, bucket);
  }

  deletePolicy(bucket: string): void {
    this.policy(bucket).set(null);
    this.record('policy', this.delays.policyDelayMs, bucket);
  }

  private record(setting: 'policy' | 'key-state', delayMs: number, bucket?: string): void {
    const t = this.truth;
    if (!t) return;
    const atNs = t.now();
    t.record({ kind: 'control', setting, ...(bucket !== undefined ? { bucket } : {}), atNs, effectiveNs: atNs + Math.round(delayMs * 1e6) });
  }

  /** The policy last put, as its text (GetBucketPolicy). */
  policyText(bucket: string): string | null {
    return this.policies.get(bucket)?.latest()?.text ?? null;
  }

  /** Disables or enables a key other than the owner's; throws on an unknown key. */
  setKeyActive(accessKeyId: string, active: boolean): void {
    if (accessKeyId === this.owner) throw new Error("the owner's key cannot be disabled: nothing could then change it back");
    const state = this.keyStates.get(accessKeyId);
    if (!state) throw new Error(`no access key ${JSON.stringify(accessKeyId)}`);
    state.set(active);
    this.record('key-state', this.delays.keyStateDelayMs);
  }

  /** Throws S3's refusal unless the key, as things stand now, may do `op` on the bucket (and key). */
  authorize(accessKeyId: string, op: string, bucket: string | undefined, key: string | undefined): void {
    // S3 answers a disabled key as it answers an unknown one.
    if (this.keyStates.get(accessKeyId)?.effective() === false) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
    if (accessKeyId === this.owner || bucket === undefined) return;
    const action = ACTIONS[op] ?? `s3:${op}`;
    const resource = key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
    const statements = this.policies.get(bucket)?.effective()?.statements ?? [];
    if (evaluate(statements, accessKeyId, action, resource) !== 'allow') throw new S3Error('AccessDenied');
  }

  describe(): Record<string, unknown> {
    return { owner: this.owner, keys: this.keyStates.size, ...this.delays };
  }
}
