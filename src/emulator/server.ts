import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { authorizeRequest } from './access/access-rules.js';
import { ANONYMOUS } from './access/users.js';
import { SigV4Verifier } from './auth/sigv4.js';
import { S3Error } from './errors.js';
import { route } from './handlers/route.js';
import type { EmulatorState, S3Request, S3Response, TruthNote } from './handlers/types.js';
import { xmlResponse } from './handlers/xml-response.js';
import { decodePayload, readRaw } from './http/payload.js';
import { parseTarget, type RequestTarget } from './http/request-target.js';
import { el } from './xml.js';

const EMPTY_PAYLOAD = { body: Buffer.alloc(0), trailers: {} };

function errorResponse(error: S3Error, target: RequestTarget | undefined, requestId: string, method: string): S3Response {
  if (error.status === 304 || method === 'HEAD') {
    // No body: HEAD has none, and a 304 must not. The code still helps someone reading logs.
    return { status: error.status, headers: { ...error.headers, 'content-length': 0, 'x-amz-error-code': error.code } };
  }
  let xml = `<Error>${el('Code', error.code)}${el('Message', error.message)}`;
  if (target?.bucket !== undefined && error.details.BucketName === undefined) xml += el('BucketName', target.bucket);
  if (target?.key !== undefined && error.details.Key === undefined) xml += el('Key', target.key);
  for (const [name, value] of Object.entries(error.details)) xml += el(name, value);
  xml += `${el('Resource', target?.path ?? '/')}${el('RequestId', requestId)}${el('HostId', requestId)}</Error>`;
  return xmlResponse(error.status, xml, error.headers);
}

/** The request pipeline: address, authenticate, read the body, run the operation, answer. */
export function createS3Server(state: EmulatorState): Server {
  const verifier = new SigV4Verifier(state.options.keys, state.options.region);
  const { virtualHostSuffix, maxObjectBytes } = state.options;
  let requests = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const truth = state.truth;
    const startNs = truth ? truth.now() : 0;
    const requestId = (++requests).toString(16).toUpperCase().padStart(16, '0');
    const method = req.method ?? 'GET';
    const notes: TruthNote[] = [];
    let target: RequestTarget | undefined;
    let op = 'Unknown';
    let response: S3Response;
    try {
      target = parseTarget(req.url ?? '/', req.headers.host, virtualHostSuffix);
      const info = { method, rawPath: target.rawPath, path: target.path, query: target.query, headers: req.headers };
      const chosen = route(method, target, req.headers['x-amz-copy-source'] !== undefined, req.headers.origin);
      op = chosen.name;
      if (state.readOnly && method !== 'GET' && method !== 'HEAD') throw new S3Error('AccessDenied', 'This endpoint is a read-only replica');
      // Authenticate and authorize before reading the body: a refused request must change nothing.
      const auth = SigV4Verifier.isSigned(info) ? verifier.verify(info) : undefined;
      const caller = auth ? state.users.caller(auth.accessKeyId) : ANONYMOUS;
      authorizeRequest(state, caller, op, target.bucket, target.key, { headers: req.headers, query: target.query });
      const hasBody = method === 'PUT' || method === 'POST';
      // An anonymous body has no signature to check it against: taken as sent.
      const payload = hasBody ? (auth ? decodePayload(await readRaw(req, maxObjectBytes), auth, req.headers) : { body: await readRaw(req, maxObjectBytes), trailers: {} }) : EMPTY_PAYLOAD;
      const request: S3Request = { method, target, headers: req.headers, payload, caller, notes };
      response = await chosen.handler(state, request);
    } catch (e) {
      const error = e instanceof S3Error ? e : internalError(e);
      response = errorResponse(error, target, requestId, method);
    }
    response.headers['x-amz-request-id'] = requestId;
    response.headers['x-amz-id-2'] = requestId;
    res.writeHead(response.status, response.headers);
    res.end(method === 'HEAD' ? undefined : response.body);
    if (truth) {
      const endNs = truth.now();
      const bucket = target?.bucket ?? '';
      if (notes.length === 0) notes.push({ op });
      for (const note of notes) {
        truth.record({ kind: 'op', bucket, ...note, op: note.op, startNs, endNs, status: response.status });
      }
    }
  }

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    handle(req, res).catch((e) => {
      // Only reached when writing the answer itself failed (socket gone): nothing to tell the client.
      res.destroy(e as Error);
    });
  });
  return server;
}

function internalError(e: unknown): S3Error {
  process.emitWarning(`objcheck emulator: internal error: ${(e as Error)?.stack ?? String(e)}`);
  return new S3Error('InternalError');
}
