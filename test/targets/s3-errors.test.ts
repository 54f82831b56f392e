import { describe, expect, it } from 'vitest';
import { classifyS3Error, classifyS3Failure } from '../../src/targets/s3-errors.js';

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
    // The SDK names a hang-up TimeoutError; the lean client's undici says UND_ERR_SOCKET: both a broken connection.
    expect(classifyS3Error(sdkError('TimeoutError', undefined, { code: 'ECONNRESET', message: 'socket hang up' })).kind).toBe('network');
    expect(classifyS3Failure({ name: 'SocketError', code: 'UND_ERR_SOCKET', message: 'other side closed' }).kind).toBe('network');
  });

  it('gives both clients one verdict: the SDK error and the lean failure of the same answer classify alike', () => {
    const sdk = classifyS3Error(sdkError('SlowDown', 503, { message: 'Please reduce your request rate.' }));
    const lean = classifyS3Failure({ name: 'SlowDown', status: 503, message: 'Please reduce your request rate.' });
    expect(lean).toEqual(sdk);
    expect(lean).toMatchObject({ kind: 'server', status: 503, code: 'SlowDown', message: 'SlowDown (HTTP 503): Please reduce your request rate.' });
  });

  it('classifies by status and name, not by class, and says both', () => {
    const plain = { name: 'SomethingNew', $metadata: { httpStatusCode: 502 }, message: 'bad gateway' };
    const e = classifyS3Error(plain);
    expect(e.kind).toBe('server');
    expect(e.message).toBe('SomethingNew (HTTP 502): bad gateway');
  });
});
