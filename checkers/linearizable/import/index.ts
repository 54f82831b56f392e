import type { History } from '../../../src/history/event.js';
import { importEtcdLog } from './etcd.js';
import { importKvEdn } from './kv-edn.js';

export { importEtcdLog, parseEtcdLog } from './etcd.js';
export { importKvEdn, parseKvEdn } from './kv-edn.js';

export type ImportFormat = 'etcd-log' | 'kv-edn';

export function importHistory(file: string, format: ImportFormat): Promise<History> {
  return format === 'etcd-log' ? importEtcdLog(file) : importKvEdn(file);
}
