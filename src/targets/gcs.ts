import { UserError } from '../util/errors.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

/** Google Cloud Storage through its S3-compatible XML API, with HMAC keys. */
export const gcsTarget: Target = {
  name: 'gcs',
  description: 'Google Cloud Storage XML API (--bucket; HMAC keys in GCS_HMAC_ACCESS_KEY_ID/GCS_HMAC_SECRET or AWS_* variables)',
  async open(options) {
    if (!options.bucket) throw new UserError('--target gcs needs --bucket');
    const id = process.env.GCS_HMAC_ACCESS_KEY_ID;
    const secret = process.env.GCS_HMAC_SECRET;
    return openS3Target(
      {
        target: 'gcs',
        endpoint: options.endpoint ?? 'https://storage.googleapis.com',
        region: options.region ?? 'auto',
        bucket: options.bucket,
        forcePathStyle: true,
        credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
      },
      options,
    );
  },
};
