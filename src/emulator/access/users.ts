/** A signing key the emulator accepts, and the user it stands for. */
export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  /** The canonical user id that owners and ACL grants name (default: the access key id). */
  userId?: string;
  /** The name S3 shows beside that id (default: the user id). */
  displayName?: string;
}

/** Who sent a request: a key pair's user, or nobody (an unsigned request). */
export interface Caller {
  /** null: anonymous. */
  accessKeyId: string | null;
  /** S3's canonical user id: what ACL grants and owners name. */
  id: string;
  displayName: string;
}

/** The canonical id S3 gives objects written anonymously (into a bucket that lets everyone write). */
export const ANONYMOUS: Caller = { accessKeyId: null, id: '65a011a29cdf8ec533ec3d1ccaae921c', displayName: 'anonymous' };

/**
 * The users behind the key pairs. A key pair's user id defaults to its access key id, so that
 * owners and grants name something a client can tell apart without configuring anything.
 */
export class Users {
  private readonly byKey = new Map<string, Caller>();
  private readonly names = new Map<string, string>([[ANONYMOUS.id, ANONYMOUS.displayName]]);

  constructor(keys: readonly KeyPair[]) {
    for (const k of keys) {
      const user: Caller = { accessKeyId: k.accessKeyId, id: k.userId ?? k.accessKeyId, displayName: k.displayName ?? k.userId ?? k.accessKeyId };
      this.byKey.set(k.accessKeyId, user);
      if (!this.names.has(user.id)) this.names.set(user.id, user.displayName);
    }
  }

  /** The user of a verified access key. */
  caller(accessKeyId: string): Caller {
    return this.byKey.get(accessKeyId)!;
  }

  /** Whether a canonical user id names one of the users. */
  has(id: string): boolean {
    return this.names.has(id);
  }

  /** The display name S3 shows beside a user id (the id itself for a user it does not know). */
  displayName(id: string): string {
    return this.names.get(id) ?? id;
  }
}
