import { DelayedSetting } from '../delayed-setting.js';
import type { GroundTruthLog } from '../ground-truth.js';
import { S3Error } from '../errors.js';
import { evaluate, isPublicPolicy, parsePolicy, type Statement } from './policy.js';
import type { KeyLookup } from './policy-conditions.js';

/** The S3 action each operation needs, where it is not simply s3:<operation>. */
const ACTIONS: Record<string, string> = {
  HeadObject: 's3:GetObject',
  GetObjectAcl: 's3:GetObjectAcl',
  PutObjectAcl: 's3:PutObjectAcl',
  GetBucketAcl: 's3:GetBucketAcl',
  PutBucketAcl: 's3:PutBucketAcl',
  UploadPartCopy: 's3:PutObject',
  ListObjectVersions: 's3:ListBucketVersions',
  GetObjectTagging: 's3:GetObjectTagging',
  PutObjectTagging: 's3:PutObjectTagging',
  DeleteObjectTagging: 's3:DeleteObjectTagging',
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
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 's3:PutBucketPublicAccessBlock',
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
 * Bucket policies and key states, for access-rules.ts to decide requests with: a bucket's owner
 * may do anything in it; other keys what a policy or an ACL allows them, and nothing while their
 * key is disabled. Policy and key-state changes take effect after the configured delays, as
 * IAM's and GCS's caches do, while reading a policy back shows the latest one at once.
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

  /** Whether the policy in force lets everyone in. */
  hasPublicPolicy(bucket: string): boolean {
    const statements = this.policies.get(bucket)?.effective()?.statements;
    return statements !== undefined && isPublicPolicy(statements);
  }

  /** Whether the policy last put lets everyone in (GetBucketPolicyStatus: the control plane's view). */
  latestIsPublic(bucket: string): boolean {
    const statements = this.policies.get(bucket)?.latest()?.statements;
    return statements !== undefined && isPublicPolicy(statements);
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

  /** Throws S3's refusal for a key that is disabled, as things stand now. */
  checkKeyActive(accessKeyId: string): void {
    // S3 answers a disabled key as it answers an unknown one.
    if (this.keyStates.get(accessKeyId)?.effective() === false) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: accessKeyId });
  }

  /**
   * What the bucket's policy, as things stand now, says of this caller doing `op` on the bucket
   * (and key): 'allow', 'deny', or undefined when no statement speaks of it (the ACLs decide).
   * The caller is named by its access key id and its user id (empty for an anonymous one, whom
   * only Principal "*" names); `keys` are the request's condition keys.
   */
  policyDecision(ids: readonly string[], op: string, bucket: string, key: string | undefined, keys?: KeyLookup): 'allow' | 'deny' | undefined {
    const statements = this.policies.get(bucket)?.effective()?.statements;
    if (!statements) return undefined;
    const action = ACTIONS[op] ?? `s3:${op}`;
    const resource = key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
    return evaluate(statements, ids, action, resource, keys);
  }

  describe(): Record<string, unknown> {
    return { owner: this.owner, keys: this.keyStates.size, ...this.delays };
  }
}
