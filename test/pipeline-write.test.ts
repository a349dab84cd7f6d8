/**
 * The pipeline's write: it waits for the output stream to drain when the
 * stream asks to, or, with a slack, only once more than that many bytes wait
 * in it (in-process runs, whose batch outputs are copies).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { write } from '../src/bulk/pipeline.js';

/** A stream with a 16-byte mark whose writes finish only when `release` is called. */
function heldStream(): { stream: Writable; release: () => void } {
  const held: (() => void)[] = [];
  const stream = new Writable({ highWaterMark: 16, write: (_chunk, _enc, done) => void held.push(done) });
  const release = (): void => {
    while (held.length > 0) held.shift()!();
  };
  return { stream, release };
}

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('pipeline write', () => {
  it('waits for the stream to drain once it is past its mark, without slack', async () => {
    const { stream, release } = heldStream();
    const p = write(stream, new Uint8Array(100));
    expect(await settled(p)).toBe(false);
    release();
    await new Promise((r) => setImmediate(r));
    release();
    expect(await settled(p)).toBe(true);
  });

  it('with slack, goes on while the bytes waiting stay within it, and waits once they pass it', async () => {
    const { stream, release } = heldStream();
    expect(await settled(write(stream, new Uint8Array(100), undefined, 250))).toBe(true);
    expect(await settled(write(stream, new Uint8Array(100), undefined, 250))).toBe(true);
    const third = write(stream, new Uint8Array(100), undefined, 250);
    expect(await settled(third)).toBe(false);
    for (let i = 0; i < 5; i++) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    expect(await settled(third)).toBe(true);
  });
});
