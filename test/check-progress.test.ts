import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkPermille, formatCheckProgress, newCheckProgress, showCheckProgress } from '../src/cli/check-progress.js';

/** A stream that records what is written to it, a terminal or not. */
function stream(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => (text += d));
  Object.assign(s, { isTTY, columns: 160 });
  return { out: s as unknown as NodeJS.WriteStream, text: () => text };
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('check progress', () => {
  it('says bytes read of all, keys checked and left once known, and the time', () => {
    const p = newCheckProgress(192_000_000);
    p.bytesRead = 48_000_000;
    expect(formatCheckProgress(p, 1234)).toBe('read 48.0 MB of 192.0 MB  1.2 s');
    p.bytesRead = 192_000_000;
    p.keysTotal = 1000;
    p.keysChecked = 250;
    expect(formatCheckProgress(p, 3000)).toBe('read 192.0 MB of 192.0 MB  keys 250 checked, 750 left  3.0 s');
    // Reading is the first half of the bar, the keys the second.
    expect(checkPermille(p)).toBe(625);
    expect(checkPermille(newCheckProgress())).toBe(0);
  });

  it('prints nothing when stderr is not a terminal, however long the check', async () => {
    const { out, text } = stream(false);
    const p = newCheckProgress(100);
    const d = showCheckProgress(p, out, 0);
    p.bytesRead = 50;
    await new Promise((r) => setTimeout(r, 300));
    d.stop();
    expect(text()).toBe('');
  });

  it('prints nothing when the check ends within the delay', async () => {
    const { out, text } = stream(true);
    const d = showCheckProgress(newCheckProgress(100), out, 60_000);
    d.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(text()).toBe('');
  });

  it('on a terminal, past the delay, draws the bar with the counts in place', async () => {
    const { out, text } = stream(true);
    const p = newCheckProgress(1_000_000);
    p.bytesRead = 1_000_000;
    p.keysTotal = 10;
    p.keysChecked = 4;
    const d = showCheckProgress(p, out, 0);
    await until(() => text().includes('keys 4 checked, 6 left'));
    d.stop();
    expect(text()).toMatch(/\[#{17}-{7}\] 70% {2}read 1\.00 MB of 1\.00 MB {2}keys 4 checked, 6 left {2}[\d.]+ s/);
  });
});
