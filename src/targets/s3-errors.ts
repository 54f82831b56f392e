import { TargetError, type FailureKind } from './target.js';

// One classification for both S3 clients (the SDK's and the lean one): each turns what it saw
// into an S3Failure, and classifyS3Failure alone decides what the failure proves, so a history
// means the same whichever client recorded it.

/** What a failed S3 request left to go on, whichever client sent it. */
export interface S3Failure {
  /** S3's error code (NoSuchKey, SlowDown…), or the transport's error name (TimeoutError, AbortError…). */
  name: string;
  /** The HTTP status the store answered with, when it answered. */
  status?: number;
  message?: string;
  /** The system error code of a connection that failed (ECONNREFUSED, ECONNRESET…). */
  code?: string;
}

/** What the AWS SDK attaches to the errors it throws. */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/** Connection errors that prove the request never reached the server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** A connection that broke under the request (undici's "other side closed" too): whatever the error's name says (the SDK calls a hang-up a TimeoutError). */
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export function httpStatus(err: unknown): number | undefined {
  if (err instanceof TargetError) return err.status;
  const e = err as SdkError;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/**
 * Classifies by HTTP status and error name, never by class: third-party servers and client
 * versions differ in the classes they produce, not in the status they send.
 * A 4xx proves the request was refused; a 5xx, a timeout or a broken connection does not.
 */
export function classifyS3Failure(f: S3Failure): TargetError {
  const { name, status } = f;
  const code = f.code ?? '';
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}${f.message && f.message !== name && f.message !== 'UnknownError' ? `: ${f.message}` : ''}`;
  let kind: FailureKind;
  if (status === undefined && BROKEN.has(code)) {
    kind = 'network';
  } else if (name === 'AbortError' || name === 'TimeoutError' || name === 'RequestTimeout' || code === 'ETIMEDOUT' || /timed? ?out/i.test(f.message ?? '')) {
    // S3's own 400 RequestTimeout means it gave up reading our body: nothing was stored.
    kind = status === 400 ? 'definite' : 'timeout';
  } else if (status === 412 || name === 'PreconditionFailed') {
    kind = 'precondition';
  } else if (status !== undefined && status >= 300 && status < 500) {
    // A redirect (wrong region) or a 4xx: refused. 409 ConditionalRequestConflict too: a concurrent conditional write won, this one did not happen.
    kind = 'definite';
  } else if (status !== undefined && status >= 500) {
    kind = 'server';
  } else if (NEVER_SENT.has(code)) {
    kind = 'definite';
  } else {
    kind = 'network';
  }
  return new TargetError(kind, detail, status, name);
}

/** An error the AWS SDK threw (or anything else thrown on its path), classified. */
export function classifyS3Error(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  const e = (err ?? {}) as SdkError;
  const failure: S3Failure = { name: e.name ?? 'Error' };
  const status = httpStatus(err);
  if (status !== undefined) failure.status = status;
  if (e.message !== undefined) failure.message = e.message;
  if (e.code !== undefined) failure.code = e.code;
  return classifyS3Failure(failure);
}

/** S3's "no such object": NoSuchKey, or the bare 404 of a HEAD (which has no body to name it). */
export function isNoSuchKey(status: number | undefined, name: string | undefined): boolean {
  return status === 404 && (name === 'NoSuchKey' || name === 'NotFound');
}
