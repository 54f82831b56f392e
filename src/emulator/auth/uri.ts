/**
 * SigV4's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ is %XX (upper-case hex).
 * encodeURIComponent leaves ! ' ( ) * alone, so those are done by hand.
 */
export function awsUriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The same for a path: slashes stay, since S3 signs the path encoded once, as sent. */
export function awsUriEncodePath(path: string): string {
  return awsUriEncode(path).replace(/%2F/g, '/');
}
