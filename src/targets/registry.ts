import { awsS3Target } from './aws-s3.js';
import { emulatorTarget } from './emulator.js';
import { gcsTarget } from './gcs.js';
import { memoryTarget } from './memory.js';
import { minioTarget } from './minio.js';
import { r2Target } from './r2.js';
import { rgwTarget } from './rgw.js';
import { s3rverTarget } from './s3rver.js';
import type { Target } from './target.js';

/** Every target, by the name --target takes. A new target is one file and one line here. */
export const targets: ReadonlyMap<string, Target> = new Map(
  [memoryTarget, emulatorTarget, s3rverTarget, minioTarget, rgwTarget, awsS3Target, gcsTarget, r2Target].map((t) => [t.name, t]),
);
