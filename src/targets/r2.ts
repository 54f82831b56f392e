import { UserError } from '../util/errors.js';
import { openS3Target } from './s3-target.js';
import type { Target } from './target.js';

/** Cloudflare R2 at the account's endpoint. */
export const r2Target: Target = {
  name: 'r2',
  description: 'Cloudflare R2 (--bucket; account from R2_ACCOUNT_ID or --endpoint; keys in AWS_* variables)',
  async open(options) {
    if (!options.bucket) throw new UserError('--target r2 needs --bucket');
    const account = process.env.R2_ACCOUNT_ID;
    const endpoint = options.endpoint ?? (account ? `https://${account}.r2.cloudflarestorage.com` : undefined);
    if (!endpoint) throw new UserError('--target r2 needs R2_ACCOUNT_ID in the environment, or --endpoint');
    return openS3Target({ target: 'r2', endpoint, region: options.region ?? 'auto', bucket: options.bucket, forcePathStyle: true }, options);
  },
};
