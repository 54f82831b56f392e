import { describe, expect, it } from 'vitest';
import { classifyS3Error } from '../../src/targets/s3-errors.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}), ...extra });

describe('classifyS3Error', () => {
  it.each([
    ['PreconditionFailed', 412, 'precondition'],
    ['ConditionalRequestConflict', 409, 'definite'],
    ['NoSuchKey', 404, 'definite'],
    ['AccessDenied', 403, 'definite'],
    ['PermanentRedirect', 301, 'definite'],
    ['RequestTimeout', 400, 'definite'], // S3 gave up reading the body: nothing stored
    ['InternalError', 500, 'server'],
    ['SlowDown', 503, 'server'],
    ['TimeoutError', undefined, 'timeout'],
    ['AbortError', undefined, 'timeout'],
  ])('%s (HTTP %s) is %s', (name, status, kind) => {
    expect(classifyS3Error(sdkError(name, status)).kind).toBe(kind);
  });

  it('tells a connection that was never made from one that broke', () => {
    expect(classifyS3Error(sdkError('Error', undefined, { code: 'ECONNREFUSED' })).kind).toBe('definite');
    expect(classifyS3Error(sdkError('Error', undefined, { code: 'ECONNRESET' })).kind).toBe('network');
  });

  it('classifies by status and name, not by class, and says both', () => {
    const plain = { name: 'SomethingNew', $metadata: { httpStatusCode: 502 }, message: 'bad gateway' };
    const e = classifyS3Error(plain);
    expect(e.kind).toBe('server');
    expect(e.message).toBe('SomethingNew (HTTP 502): bad gateway');
  });
});
