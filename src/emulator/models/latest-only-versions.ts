import type { Keyspace, ReadOutcome, VersionDeleteOutcome, VersionDeleteRequest, VersionedKeyspace, VersionSnapshot } from './keyspace.js';

/**
 * The versions of a bucket that never had versioning, for a model that keeps only each key's
 * latest version (s3-legacy, quorum): there S3 also has exactly one version per object, its
 * "null" one, so reading, deleting and listing versions are the plain operations, through the
 * model and its consistency. Once a bucket has had versioning this is wrong (S3 keeps older
 * versions), and the handlers refuse instead of using it.
 */
export class LatestOnlyVersions implements VersionedKeyspace {
  constructor(private readonly keyspace: Keyspace) {}

  async readVersion(key: string, versionId: string): Promise<ReadOutcome> {
    if (versionId !== 'null') return { version: null, replicas: [] };
    return this.keyspace.read(key);
  }

  async deleteVersion(request: VersionDeleteRequest): Promise<VersionDeleteOutcome> {
    if (request.versionId !== 'null') return { removed: null, replicas: [] };
    const { key, writeId, precondition } = request;
    const outcome = await this.keyspace.write({ key, object: null, writeId, ...(precondition ? { precondition } : {}) });
    // Which version the model removed, if any, is its own business; no delete marker can be among them.
    return { removed: null, replicas: outcome.replicas };
  }

  async listVersions(): Promise<VersionSnapshot> {
    const snapshot = await this.keyspace.list();
    return {
      sortedKeys: snapshot.sortedKeys,
      versions: (key) => {
        const version = snapshot.lookup(key);
        return version && !version.deleted ? [version] : [];
      },
    };
  }
}
