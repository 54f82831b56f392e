import { encodeKeyPath } from './s3-uri.js';

/** Where the requests for one bucket go, in path or virtual-hosted style. */
export interface S3Address {
  /** What to connect to: scheme, host and port. */
  origin: string;
  /** The Host header, which SigV4 signs: the origin's host, with its port unless the scheme's default. */
  host: string;
  /** The bucket's path: "/bucket" in path style (after any path of the endpoint), "" virtual-hosted. */
  bucketPath: string;
  secure: boolean;
}

/** Bucket names a host name can carry: DNS labels, lower case, 3 to 63 characters. */
const DNS_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The address of a bucket. Without an endpoint, AWS's own for the region. Virtual-hosted style
 * (`bucket.host`) unless path style is forced or the bucket cannot be a host name: not a DNS
 * name, or one with dots over https, which the wildcard certificate does not cover (the SDK
 * falls back to path style in the same cases).
 */
export function s3Address(endpoint: string | undefined, region: string, bucket: string, forcePathStyle: boolean): S3Address {
  const url = new URL(endpoint ?? awsEndpoint(region));
  const secure = url.protocol === 'https:';
  const basePath = url.pathname.replace(/\/+$/, '');
  const virtual = !forcePathStyle && DNS_BUCKET.test(bucket) && !bucket.includes('..') && !(secure && bucket.includes('.')) && !isIpAddress(url.hostname);
  if (virtual) url.hostname = `${bucket}.${url.hostname}`;
  return { origin: url.origin, host: url.host, bucketPath: virtual ? basePath : `${basePath}/${encodeKeyPath(bucket)}`, secure };
}

/** The path of an object of the bucket (the key encoded, its slashes kept). */
export function objectPath(address: S3Address, key: string): string {
  return `${address.bucketPath}/${encodeKeyPath(key)}`;
}

/** The path of the bucket itself, for bucket-level requests (LIST). */
export function bucketRootPath(address: S3Address): string {
  return address.bucketPath === '' ? '/' : address.bucketPath;
}

function awsEndpoint(region: string): string {
  return `https://s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}
