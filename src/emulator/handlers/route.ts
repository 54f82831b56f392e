import { S3Error } from '../errors.js';
import type { RequestTarget } from '../http/request-target.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, listBuckets, putBucketVersioning } from './bucket.js';
import { listObjectsV1, listObjectsV2 } from './list-objects.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, uploadPart } from './multipart.js';
import { deleteObject, deleteObjects } from './delete.js';
import { copyObject, getObject, headObject, putObject } from './object.js';
import { deleteBucketPolicy, getBucketPolicy, putBucketPolicy } from './policy.js';
import type { Handler } from './types.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from './acl.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './tagging.js';
import { uploadPartCopy } from './upload-part-copy.js';
import { deletePublicAccessBlock, getBucketPolicyStatus, getPublicAccessBlock, putPublicAccessBlock } from './public-access.js';
import { listObjectVersions } from './versions.js';
import { getObjectAttributes } from './object-attributes.js';

/** Subresources S3 has and the emulator does not: refusing beats silently acting on the object. */
const UNSUPPORTED_BUCKET = ['cors', 'lifecycle', 'tagging', 'website', 'logging', 'notification', 'replication', 'encryption', 'object-lock', 'accelerate', 'requestPayment', 'ownershipControls', 'analytics', 'metrics', 'inventory', 'intelligent-tiering'];
const UNSUPPORTED_OBJECT = ['retention', 'legal-hold', 'torrent', 'restore', 'select'];

function unsupported(target: RequestTarget, names: readonly string[]): void {
  for (const name of names) {
    if (name in target.query) throw new S3Error('NotImplemented', `The emulator does not implement ?${name}`);
  }
}

/** Picks the S3 operation from method, addressing and subresource, as S3's front end does. */
export function route(method: string, target: RequestTarget, hasCopySource: boolean, origin?: string): { name: string; handler: Handler } {
  // A CORS preflight: the emulator keeps no CORS configuration, so it answers as S3 does a bucket
  // without one (unsigned, before anything else).
  if (method === 'OPTIONS') {
    if (origin === undefined) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
    throw new S3Error('AccessDenied', 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.');
  }
  if (target.bucket === undefined) {
    if (method === 'GET') return { name: 'ListBuckets', handler: listBuckets };
    throw new S3Error('MethodNotAllowed');
  }
  const q = target.query;
  if (target.key === undefined) {
    unsupported(target, UNSUPPORTED_BUCKET);
    if ('policy' in q) {
      if (method === 'PUT') return { name: 'PutBucketPolicy', handler: putBucketPolicy };
      if (method === 'GET') return { name: 'GetBucketPolicy', handler: getBucketPolicy };
      if (method === 'DELETE') return { name: 'DeleteBucketPolicy', handler: deleteBucketPolicy };
      throw new S3Error('MethodNotAllowed');
    }
    if ('versioning' in q && method === 'PUT') return { name: 'PutBucketVersioning', handler: putBucketVersioning };
    if ('acl' in q) {
      if (method === 'GET') return { name: 'GetBucketAcl', handler: getBucketAcl };
      if (method === 'PUT') return { name: 'PutBucketAcl', handler: putBucketAcl };
      throw new S3Error('MethodNotAllowed');
    }
    if ('tagging' in q) throw new S3Error('NotImplemented', 'The emulator does not implement ?tagging on buckets');
    if ('policyStatus' in q && method === 'GET') return { name: 'GetBucketPolicyStatus', handler: getBucketPolicyStatus };
    if ('publicAccessBlock' in q) {
      if (method === 'PUT') return { name: 'PutPublicAccessBlock', handler: putPublicAccessBlock };
      if (method === 'GET') return { name: 'GetPublicAccessBlock', handler: getPublicAccessBlock };
      if (method === 'DELETE') return { name: 'DeletePublicAccessBlock', handler: deletePublicAccessBlock };
      throw new S3Error('MethodNotAllowed');
    }
    switch (method) {
      case 'PUT':
        return { name: 'CreateBucket', handler: createBucket };
      case 'HEAD':
        return { name: 'HeadBucket', handler: headBucket };
      case 'DELETE':
        return { name: 'DeleteBucket', handler: deleteBucket };
      case 'POST':
        if ('delete' in q) return { name: 'DeleteObjects', handler: deleteObjects };
        // A browser form upload: its credentials are form fields, which the emulator does not read.
        throw new S3Error('AccessDenied', 'Browser POST uploads are not implemented: the request is refused as unauthenticated');
      case 'GET':
        if ('location' in q) return { name: 'GetBucketLocation', handler: getBucketLocation };
        if ('uploads' in q) return { name: 'ListMultipartUploads', handler: listMultipartUploads };
        if ('versioning' in q) return { name: 'GetBucketVersioning', handler: getBucketVersioning };
        if ('versions' in q) return { name: 'ListObjectVersions', handler: listObjectVersions };
        if (q['list-type'] === '2') return { name: 'ListObjectsV2', handler: listObjectsV2 };
        return { name: 'ListObjects', handler: listObjectsV1 };
    }
    throw new S3Error('MethodNotAllowed');
  }
  unsupported(target, UNSUPPORTED_OBJECT);
  if ('acl' in q) {
    if (method === 'GET') return { name: 'GetObjectAcl', handler: getObjectAcl };
    if (method === 'PUT') return { name: 'PutObjectAcl', handler: putObjectAcl };
    throw new S3Error('MethodNotAllowed');
  }
  if ('attributes' in q) {
    if (method === 'GET') return { name: 'GetObjectAttributes', handler: getObjectAttributes };
    throw new S3Error('MethodNotAllowed');
  }
  if ('tagging' in q) {
    if (method === 'GET') return { name: 'GetObjectTagging', handler: getObjectTagging };
    if (method === 'PUT') return { name: 'PutObjectTagging', handler: putObjectTagging };
    if (method === 'DELETE') return { name: 'DeleteObjectTagging', handler: deleteObjectTagging };
    throw new S3Error('MethodNotAllowed');
  }
  // A version by id is only read or deleted (versions.ts); writes make versions, they name none.
  if ('versionId' in q && method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') throw new S3Error('NotImplemented', 'The emulator does not implement ?versionId on this request');
  if ('uploadId' in q) {
    if (method === 'PUT') return hasCopySource ? { name: 'UploadPartCopy', handler: uploadPartCopy } : { name: 'UploadPart', handler: uploadPart };
    if (method === 'POST') return { name: 'CompleteMultipartUpload', handler: completeMultipartUpload };
    if (method === 'DELETE') return { name: 'AbortMultipartUpload', handler: abortMultipartUpload };
    throw new S3Error('NotImplemented', 'ListParts is not implemented');
  }
  switch (method) {
    case 'POST':
      if ('uploads' in q) return { name: 'CreateMultipartUpload', handler: createMultipartUpload };
      break;
    case 'PUT':
      return hasCopySource ? { name: 'CopyObject', handler: copyObject } : { name: 'PutObject', handler: putObject };
    case 'GET':
      return { name: 'GetObject', handler: getObject };
    case 'HEAD':
      return { name: 'HeadObject', handler: headObject };
    case 'DELETE':
      return { name: 'DeleteObject', handler: deleteObject };
  }
  throw new S3Error('MethodNotAllowed');
}
