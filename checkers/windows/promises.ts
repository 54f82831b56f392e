// What the vendors document about each eventual corner, in brief (sources in docs/workloads.md).
// The report puts each measured window next to these.

export interface VendorPromise {
  /** What the window measures, for people. */
  what: string;
  google: string;
  amazon: string;
}

export const PROMISES: Readonly<Record<string, VendorPromise>> = {
  revoke: {
    what: 'still readable after a revocation returned',
    google: 'granting or revoking access takes about a minute (Cloud Storage); IAM policy changes typically 2 minutes, potentially 7 or longer',
    amazon: 'IAM and bucket policies are eventually consistent: changes take time to become visible everywhere',
  },
  grant: {
    what: 'not yet readable after a grant returned',
    google: 'granting or revoking access takes about a minute (Cloud Storage); IAM policy changes typically 2 minutes, potentially 7 or longer',
    amazon: 'IAM and bucket policies are eventually consistent: changes take time to become visible everywhere',
  },
  'key-disable': {
    what: 'a disabled access key still accepted',
    google: 'HMAC keys: a change of state can take up to 3 minutes to take effect',
    amazon: 'IAM access key status changes are eventually consistent',
  },
  'key-enable': {
    what: 'an enabled access key not yet accepted',
    google: 'HMAC keys: a change of state can take up to 3 minutes to take effect',
    amazon: 'IAM access key status changes are eventually consistent',
  },
  cache: {
    what: 'a cached read still returned the overwritten object',
    google: 'publicly readable cached objects may be served stale until their Cache-Control max-age runs out (default 3600 s)',
    amazon: 'S3 keeps no cache; a CloudFront front serves its copy until the TTL (max-age) runs out',
  },
  'versioning-enable': {
    what: 'writes not yet versioned after versioning was enabled',
    google: 'after enabling Object Versioning, wait at least 30 seconds before deleting or replacing objects',
    amazon: 'after first enabling versioning, up to 15 minutes to propagate: wait before PUT or DELETE; bucket configuration is eventually consistent',
  },
  'versioning-suspend': {
    what: 'writes still versioned after versioning was suspended',
    google: 'bucket configuration changes take time to apply (as for enabling: about 30 seconds)',
    amazon: 'bucket configuration is eventually consistent',
  },
  replication: {
    what: 'a write not yet readable through the other endpoint',
    google: 'dual-region: 99.9% of objects replicated within 1 hour by default, 100% within 15 minutes with turbo replication',
    amazon: 'S3 Replication Time Control: 99.99% of objects replicated within 15 minutes; without it, no bound',
  },
};
