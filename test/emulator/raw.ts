import { request as httpRequest } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { NodeSha256 } from '../../src/emulator/auth/node-sha256.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends bytes to the emulator as given: for what the SDK will not do (odd hosts, framing). */
export function send(emulator: RunningEmulator, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: emulator.port, method, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function signer(emulator: RunningEmulator, secretAccessKey = emulator.credentials.secretAccessKey): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: emulator.region,
    credentials: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey },
    sha256: NodeSha256,
    uriEscapePath: false,
  });
}

export interface SignedOptions {
  method: string;
  /** Encoded path, as it goes on the wire. */
  path: string;
  query?: Record<string, string>;
  host?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  signingDate?: Date;
}

/** Signs with the Smithy signer (as the SDK does) and returns the signed headers and wire path. */
export async function signRequest(emulator: RunningEmulator, o: SignedOptions, secret?: string): Promise<{ headers: Record<string, string>; url: string }> {
  const host = o.host ?? `127.0.0.1:${emulator.port}`;
  const req = {
    method: o.method,
    protocol: 'http:',
    hostname: host,
    path: o.path,
    query: o.query ?? {},
    headers: { host, ...(o.headers ?? {}) },
    ...(o.body ? { body: o.body } : {}),
  } as unknown as HttpRequest;
  const signed = await signer(emulator, secret).sign(req, o.signingDate ? { signingDate: o.signingDate } : {});
  const qs = new URLSearchParams(o.query ?? {}).toString();
  return { headers: signed.headers as Record<string, string>, url: o.path + (qs ? `?${qs}` : '') };
}

export async function signedSend(emulator: RunningEmulator, o: SignedOptions): Promise<RawResponse> {
  const { headers, url } = await signRequest(emulator, o);
  return send(emulator, o.method, url, headers, o.body);
}
