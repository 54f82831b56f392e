import { UserError } from '../util/errors.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

/** Amazon S3, or with --endpoint any S3-compatible store; credentials from the SDK's default chain. */
export const awsS3Target: Target = {
  name: 's3',
  description: 'Amazon S3 (--bucket, --region; default credential chain), or any S3-compatible store with --endpoint',
  async open(options) {
    if (!options.bucket) throw new UserError('--target s3 needs --bucket');
    return openS3Target(
      {
        target: 's3',
        endpoint: options.endpoint,
        region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        bucket: options.bucket,
        // Third-party endpoints rarely resolve bucket subdomains; AWS prefers virtual hosts.
        forcePathStyle: options.endpoint !== undefined,
      },
      options,
    );
  },
};
