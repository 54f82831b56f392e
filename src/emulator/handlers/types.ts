import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { AccessControl } from '../access/access-control.js';
import type { Caller, Users } from '../access/users.js';
import type { Buckets } from '../buckets.js';
import type { GroundTruthLog } from '../ground-truth.js';
import type { Payload } from '../http/payload.js';
import type { RequestTarget } from '../http/request-target.js';
import type { ResolvedOptions } from '../options.js';
import type { MultipartUploads } from './multipart-uploads.js';

export interface EmulatorState {
  options: ResolvedOptions;
  buckets: Buckets;
  uploads: MultipartUploads;
  truth?: GroundTruthLog;
  /** With access control on: policies and key states (otherwise every key may do everything). */
  access?: AccessControl;
  /** The users behind the key pairs: owners and grantees. */
  users: Users;
  /** A replica endpoint: it serves reads only (its writes come from the primary). */
  readOnly?: boolean;
  nextWriteId(): number;
}

/** An authenticated request with its body decoded. */
export interface S3Request {
  method: string;
  target: RequestTarget;
  headers: IncomingHttpHeaders;
  payload: Payload;
  /** Who sent it (anonymous when unsigned). */
  caller: Caller;
  /** Where this request's answers came from, for the ground-truth log; handlers append. */
  notes: TruthNote[];
}

/** What a handler learned about where its answer came from, for the ground-truth log. */
export interface TruthNote {
  op: string;
  key?: string;
  replicas?: number[];
  coordinator?: number;
  servedBy?: 'cache' | 'negative-cache';
  writeId?: number | null;
  readAtNs?: number[];
  startedAtNs?: number;
  committedAtNs?: number;
}

export interface S3Response {
  status: number;
  headers: OutgoingHttpHeaders;
  body?: Buffer | string;
}

export type Handler = (state: EmulatorState, request: S3Request) => Promise<S3Response>;

export function header(request: S3Request, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
