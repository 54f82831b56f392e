import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '../../../src/util/errors.js';
import type { History } from '../../../src/history/event.js';
import { readHistory } from '../../../src/history/read.js';
import { importEtcdLog } from './etcd.js';
import { importJepsenEdn } from './jepsen-edn.js';
import { importKvEdn } from './kv-edn.js';

export { importEtcdLog, parseEtcdLog } from './etcd.js';
export { importJepsenEdn, parseJepsenEdn } from './jepsen-edn.js';
export { importKvEdn, parseKvEdn } from './kv-edn.js';

export const FORMATS = ['jsonl', 'jepsen-edn', 'etcd-log', 'kv-edn'] as const;
export type ImportFormat = (typeof FORMATS)[number];

export function importHistory(file: string, format: ImportFormat): Promise<History> {
  switch (format) {
    case 'jsonl':
      return readHistory(file);
    case 'etcd-log':
      return importEtcdLog(file);
    case 'kv-edn':
      return importKvEdn(file);
    case 'jepsen-edn':
      return importJepsenEdn(file);
  }
}

/**
 * Guesses the format from the first line that is neither blank nor an EDN `;` comment, where
 * that is unambiguous: our JSON Lines start with `{"`, Jepsen's logs name jepsen.util, Jepsen
 * EDN starts with `{:`, `[`, `(` or a tagged record. A kv EDN line
 * has a string :key and f :get/:put/:append, which is also valid Jepsen EDN: the kv importer
 * is chosen for it because it checks the fields the kv model needs.
 */
export function detectFormat(file: string): ImportFormat {
  let first: string;
  try {
    first = firstMeaningfulLine(file);
  } catch (err) {
    throw new UserError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (first.startsWith('{"') || first === '') return 'jsonl';
  if (/\bjepsen\.util\b/.test(first)) return 'etcd-log';
  if (first.startsWith('{:') && /:f\s+:(get|put|append)\b/.test(first) && /:key\s+"/.test(first)) return 'kv-edn';
  // A vector or list of ops, a bare op map, or an op as a tagged record (#jepsen.history.Op{…}).
  if (first.startsWith('{:') || first.startsWith('[') || first.startsWith('(') || /^#[A-Za-z][\w.\-]*\{/.test(first)) return 'jepsen-edn';
  throw new UserError(`${file}: cannot tell the history's format from its first line; pass --format (${FORMATS.join(', ')})`);
}

/**
 * The first line that is neither blank nor an EDN `;` comment, trimmed; '' when the first 64 KiB
 * hold none. Read 4 KiB at a time and scanned without splitting: the importer reads the whole
 * file afterwards, and a check of many small files should not pay twice for each.
 */
function firstMeaningfulLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    let have = 0;
    let from = 0;
    for (;;) {
      const got = have < buf.length ? readSync(fd, buf, have, Math.min(4096, buf.length - have), have) : 0;
      have += got;
      const end = got === 0 ? have : buf.lastIndexOf(0x0a, have - 1) + 1;
      // Whole lines only, until the file or the 64 KiB end.
      while (from < end) {
        let nl = buf.indexOf(0x0a, from);
        if (nl < 0 || nl >= end) nl = end;
        const line = buf.toString('utf8', from, nl).trim();
        from = nl + 1;
        if (line !== '' && !line.startsWith(';')) return line;
      }
      if (got === 0) return '';
    }
  } finally {
    closeSync(fd);
  }
}
