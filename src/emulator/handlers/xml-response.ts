import type { OutgoingHttpHeaders } from 'node:http';
import { XML_HEADER } from '../xml.js';
import type { S3Response } from './types.js';

export function xmlResponse(status: number, xml: string, headers: OutgoingHttpHeaders = {}): S3Response {
  const body = Buffer.from(XML_HEADER + xml, 'utf8');
  return { status, headers: { 'content-type': 'application/xml', 'content-length': body.length, ...headers }, body };
}

export function emptyResponse(status: number, headers: OutgoingHttpHeaders = {}): S3Response {
  return { status, headers: { 'content-length': 0, ...headers } };
}
