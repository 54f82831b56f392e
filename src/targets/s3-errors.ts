import { TargetError, type FailureKind } from './target.js';

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

export function httpStatus(err: unknown): number | undefined {
  const e = err as SdkError;
  return e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
}

/**
 * Classifies an SDK error by HTTP status and error name, never by class: third-party servers
 * and SDK versions differ in the classes they produce, not in the status they send.
 * A 4xx proves the request was refused; a 5xx, a timeout or a broken connection does not.
 */
export function classifyS3Error(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? 'Error';
  const status = httpStatus(err);
  const code = e.code ?? '';
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}${e.message && e.message !== name && e.message !== 'UnknownError' ? `: ${e.message}` : ''}`;
  let kind: FailureKind;
  if (name === 'AbortError' || name === 'TimeoutError' || name === 'RequestTimeout' || code === 'ETIMEDOUT' || /timed? ?out/i.test(e.message ?? '')) {
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
  return new TargetError(kind, detail, status);
}
