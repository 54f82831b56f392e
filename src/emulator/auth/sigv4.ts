import type { IncomingHttpHeaders } from 'node:http';
import { getCanonicalHeaders, getCanonicalQuery } from '@smithy/signature-v4';
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';
import { S3Error } from '../errors.js';
import { headerText } from '../metadata-text.js';
import type { KeyPair } from '../options.js';
import { Sha256Hmac, deriveSigningKey, sha256Hex } from './node-sha256.js';
import { awsUriEncodePath } from './uri.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_TTL_S = 7 * 24 * 3600;

/** What the verifier needs of a request; the HTTP layer has parsed it already. */
export interface SignedRequestInfo {
  method: string;
  /** The path as sent on the wire, still encoded. */
  rawPath: string;
  /** The same path decoded once. */
  path: string;
  query: QueryParameterBag;
  headers: IncomingHttpHeaders;
}

/** A verified request: who sent it, and what chunk signatures (if any) must chain from. */
export interface Authenticated {
  accessKeyId: string;
  /** The x-amz-content-sha256 the signature covered: a hex hash, UNSIGNED-PAYLOAD or STREAMING-*. */
  payloadHash: string;
  signature: string;
  signingKey: Buffer;
  longDate: string;
  scope: string;
}

interface Credentials {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: readonly string[];
  signature: string;
  longDate: string;
  payloadHash: string;
  presigned: boolean;
}

/**
 * Signed-header names as every SDK writes them: lower case, in order, each once. Written out
 * below as Smithy's getCanonicalHeaders would; any other list goes through Smithy's own.
 */
function inCanonicalOrder(names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name !== name.toLowerCase() || name === '__proto__' || (i > 0 && !(names[i - 1]! < name))) return false;
  }
  return true;
}

/** What getCanonicalHeaders changes in a value: line breaks, tabs, runs of spaces, a space at either end. */
const NOT_CANONICAL = /[\r\n\t]| {2}|^ | $/;

/** A header value as Smithy's getCanonicalHeaders writes it (the same three replacements), the common value untouched. */
function canonicalValue(value: string): string {
  return NOT_CANONICAL.test(value) ? value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : value;
}

/** The canonical request's header lines and signed-header list, as Smithy's createCanonicalRequest writes them. */
export function canonicalHeaderBlock(names: readonly string[], sent: IncomingHttpHeaders): { lines: string; signed: string } {
  if (inCanonicalOrder(names)) {
    const lines: string[] = [];
    // Clients sign the text they sent, hashed as UTF-8.
    for (const name of names) lines.push(`${name}:${canonicalValue(headerText(header(sent, name) ?? ''))}`);
    return { lines: lines.join('\n'), signed: names.join(';') };
  }
  const headers: HeaderBag = {};
  for (const name of names) headers[name] = headerText(header(sent, name) ?? '');
  const canonical = getCanonicalHeaders({ headers } as HttpRequest, undefined, new Set(names));
  const sorted = Object.keys(canonical).sort();
  return { lines: sorted.map((name) => `${name}:${canonical[name]}`).join('\n'), signed: sorted.join(';') };
}

/**
 * SigV4's string to sign, as the Smithy signer's createStringToSign writes it, hashed at once by
 * OpenSSL: Smithy's goes through its Checksum interface, a promise and a JavaScript hex loop.
 */
function stringToSign(longDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function single(query: QueryParameterBag, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : (v ?? undefined);
}

/** The last date parsed: requests of the same second carry the same one. */
let lastAmzDate = { text: '', ms: NaN };

/** "20240102T030405Z" to ms, or NaN. */
function parseAmzDate(text: string): number {
  if (text === lastAmzDate.text) return lastAmzDate.ms;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
  lastAmzDate = { text, ms };
  return ms;
}

/** SigV4 allows the Date header instead of x-amz-date; the string to sign uses its ISO form. */
function fromHttpDate(text: string | undefined): string {
  const ms = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function parseCredential(text: string, malformed: () => S3Error): Omit<Credentials, 'signedHeaders' | 'signature' | 'longDate' | 'payloadHash' | 'presigned'> {
  const parts = text.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') throw malformed();
  return { accessKeyId: parts[0]!, shortDate: parts[1]!, region: parts[2]!, service: parts[3]! };
}

/** The three fields of the Authorization header, in the order every SDK writes them. */
const AUTH_FIELDS = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** The Authorization header's fields before its signature, parsed: the same for all a client signs in a day. */
type AuthPrefix = Pick<Credentials, 'accessKeyId' | 'shortDate' | 'region' | 'service' | 'signedHeaders'>;

const SIGNATURE_FIELD = 'Signature=';
/** What AUTH_FIELDS wants after the last "Signature=". */
const SIGNATURE_VALUE = /^([0-9a-fA-F]+)\s*$/;

/**
 * The fields of the Authorization header. A header whose text up to its last "Signature=" was
 * parsed before needs only its signature checked: AUTH_FIELDS matched that text then, and its
 * first two fields cannot end anywhere else (neither holds a comma or a blank).
 */
function fromHeader(authorization: string, headers: IncomingHttpHeaders, prefixes: Map<string, AuthPrefix>): Credentials {
  // Errors are built only when thrown: capturing a stack on every request is not free.
  const malformed = () => new S3Error('AuthorizationHeaderMalformed');
  if (!authorization.startsWith(ALGORITHM + ' ')) {
    throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  }
  const at = authorization.lastIndexOf(SIGNATURE_FIELD);
  const prefix = at < 0 ? '' : authorization.slice(0, at);
  let parsed = prefixes.get(prefix);
  let signature: string;
  if (parsed) {
    const m = SIGNATURE_VALUE.exec(authorization.slice(at + SIGNATURE_FIELD.length));
    if (!m) throw malformed();
    signature = m[1]!;
  } else {
    const m = AUTH_FIELDS.exec(authorization);
    if (!m) throw malformed();
    const [, credential, signedHeaders, sent] = m as unknown as [string, string, string, string];
    parsed = { ...parseCredential(credential, malformed), signedHeaders: signedHeaders.split(';') };
    signature = sent;
    // Clients, key ids and days are few; a bound against headers made up to fill it.
    if (prefixes.size >= 256) prefixes.clear();
    prefixes.set(prefix, parsed);
  }
  const longDate = header(headers, 'x-amz-date') ?? fromHttpDate(header(headers, 'date'));
  const payloadHash = header(headers, 'x-amz-content-sha256');
  if (!payloadHash) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  return {
    accessKeyId: parsed.accessKeyId,
    shortDate: parsed.shortDate,
    region: parsed.region,
    service: parsed.service,
    signedHeaders: parsed.signedHeaders,
    signature,
    longDate,
    payloadHash,
    presigned: false,
  };
}

function fromQuery(query: QueryParameterBag, headers: IncomingHttpHeaders): Credentials {
  const malformed = () => new S3Error('AuthorizationQueryParametersError');
  if (single(query, 'X-Amz-Algorithm') !== ALGORITHM) throw malformed();
  const credential = single(query, 'X-Amz-Credential');
  const signedHeaders = single(query, 'X-Amz-SignedHeaders');
  const signature = single(query, 'X-Amz-Signature');
  const longDate = single(query, 'X-Amz-Date');
  const expires = Number(single(query, 'X-Amz-Expires'));
  if (!credential || !signedHeaders || !signature || !longDate) throw malformed();
  // An expiry out of range is refused as the expired URL is, with 403 (as S3 and Ceph RGW answer
  // it, whatever the error code's usual 400): the URL grants nothing.
  if (!Number.isInteger(expires)) throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number', {}, 403);
  if (expires < 0) throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be non-negative', {}, 403);
  if (expires > MAX_PRESIGNED_TTL_S) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds', {}, 403);
  }
  const signedAt = parseAmzDate(longDate);
  if (Number.isNaN(signedAt)) throw malformed();
  if (Date.now() > signedAt + expires * 1000) throw new S3Error('AccessDenied', 'Request has expired', { X_Amz_Expires: String(expires) });
  return {
    ...parseCredential(credential, malformed),
    signedHeaders: signedHeaders.split(';'),
    signature,
    longDate,
    payloadHash: header(headers, 'x-amz-content-sha256') ?? UNSIGNED_PAYLOAD,
    presigned: true,
  };
}

/** Compares in time that depends only on the length, as timingSafeEqual does, without making buffers of the two. */
function sameSignature(expected: string, provided: string): boolean {
  if (expected.length !== provided.length) return false;
  let differ = 0;
  for (let i = 0; i < expected.length; i++) differ |= expected.charCodeAt(i) ^ provided.charCodeAt(i);
  return differ === 0;
}

/** A day's signing key for one key id, and its HMAC ready to use. */
interface SigningKey {
  key: Buffer;
  hmac: Sha256Hmac;
}

/**
 * Checks AWS Signature V4 (Authorization header or presigned query) against the key pairs.
 * The canonical query comes from the Smithy signer, the library the AWS SDK signs with; the
 * canonical headers too when the signed-header list is unusual. The rest is written out as
 * Smithy writes it (test/emulator/sigv4-verifier.test.ts holds it to Smithy's output), so that a
 * request costs one SHA-256 and one HMAC and no promise.
 */
export class SigV4Verifier {
  private readonly secrets: Map<string, string>;
  /**
   * Derived keys by key id and date: four HMACs saved on nearly every request. Region and service
   * are checked before (always ours), and a key id's secret is fixed for the verifier's life.
   */
  private readonly signingKeys = new Map<string, SigningKey>();
  /** Authorization headers up to their signature, parsed (see fromHeader). */
  private readonly authPrefixes = new Map<string, AuthPrefix>();

  constructor(
    keys: readonly KeyPair[],
    private readonly region: string,
  ) {
    this.secrets = new Map(keys.map((k) => [k.accessKeyId, k.secretAccessKey]));
  }

  /** True when the request carries any authentication at all. */
  static isSigned(info: SignedRequestInfo): boolean {
    return info.headers.authorization !== undefined || single(info.query, 'X-Amz-Algorithm') !== undefined;
  }

  /** Synchronous: the request it checks is not held up by a promise, nor its caller by an await. */
  verify(info: SignedRequestInfo): Authenticated {
    const authorization = header(info.headers, 'authorization');
    const creds = authorization !== undefined ? fromHeader(authorization, info.headers, this.authPrefixes) : fromQuery(info.query, info.headers);
    const secret = this.secrets.get(creds.accessKeyId);
    if (secret === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: creds.accessKeyId });
    if (creds.service !== 's3' || creds.region !== this.region) {
      throw new S3Error(
        creds.presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${creds.region}' is wrong; expecting '${this.region}'`,
        { Region: this.region },
      );
    }
    const signedAt = parseAmzDate(creds.longDate);
    if (Number.isNaN(signedAt) || creds.longDate.slice(0, 8) !== creds.shortDate) {
      throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    }
    if (!creds.presigned && Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) {
      throw new S3Error('RequestTimeTooSkewed', undefined, { RequestTime: creds.longDate, ServerTime: new Date().toISOString() });
    }
    if (creds.presigned && signedAt - Date.now() > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
    if (!creds.signedHeaders.includes('host')) throw new S3Error('AccessDenied', 'Host must be a signed header');

    const { lines, signed } = canonicalHeaderBlock(creds.signedHeaders, info.headers);
    // The path is taken as it comes (S3 signs it encoded once, not normalised).
    const rest = `\n${getCanonicalQuery({ query: info.query } as HttpRequest)}\n${lines}\n\n${signed}\n${creds.payloadHash}`;
    const scope = `${creds.shortDate}/${creds.region}/${creds.service}/aws4_request`;
    const key = this.signingKey(creds, secret);
    const expected = (path: string) => {
      const canonicalRequest = `${info.method}\n${path}${rest}`;
      const toSign = stringToSign(creds.longDate, scope, canonicalRequest);
      return { signature: key.hmac.digest(toSign, 'hex'), canonicalRequest, stringToSign: toSign };
    };
    // Clients encode keys with different safe sets; canonical form first, then the path as sent.
    // A path of only unreserved characters is its own canonical form (the common case).
    const canonicalPath = PLAIN_PATH.test(info.rawPath) ? info.rawPath : awsUriEncodePath(info.path);
    let attempt = expected(canonicalPath);
    if (!sameSignature(attempt.signature, creds.signature) && info.rawPath !== canonicalPath) {
      const asSent = expected(info.rawPath);
      if (sameSignature(asSent.signature, creds.signature)) attempt = asSent;
    }
    if (!sameSignature(attempt.signature, creds.signature)) {
      throw new S3Error('SignatureDoesNotMatch', undefined, {
        AWSAccessKeyId: creds.accessKeyId,
        StringToSign: attempt.stringToSign,
        SignatureProvided: creds.signature,
        CanonicalRequest: attempt.canonicalRequest,
      });
    }
    return { accessKeyId: creds.accessKeyId, payloadHash: creds.payloadHash, signature: creds.signature, signingKey: key.key, longDate: creds.longDate, scope };
  }

  private signingKey(creds: Credentials, secret: string): SigningKey {
    const cacheKey = `${creds.accessKeyId}/${creds.shortDate}`;
    const cached = this.signingKeys.get(cacheKey);
    if (cached) return cached;
    const key = deriveSigningKey(secret, creds.shortDate, creds.region, creds.service);
    const entry = { key, hmac: new Sha256Hmac(key) };
    // Dates roll over daily; a handful of entries is all a live server needs.
    if (this.signingKeys.size > 64) this.signingKeys.clear();
    this.signingKeys.set(cacheKey, entry);
    return entry;
  }
}
