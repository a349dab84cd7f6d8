/**
 * The byte writer's cell writers: `field` writes the UTF-8 of csvField,
 * `yuan` the bytes formatYuan's string would, and `plain` copies a range of a
 * line only when it needs no quoting, writing nothing otherwise.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteArena, ByteWriter, copyRun, digitsInto } from '../src/io/bytes.js';
import { csvField } from '../src/io/csv.js';
import { type Fen, formatYuan } from '../src/money.js';
import { unitsText } from '../src/payment/dip/exact.js';

const text = (w: ByteWriter): string => Buffer.from(w.take()).toString('utf8');

describe('ByteWriter.yuan', () => {
  const same = (fen: number) => {
    const w = new ByteWriter(4);
    w.byte(59);
    w.yuan(fen);
    w.byte(59);
    expect(text(w)).toBe(`;${formatYuan(fen as Fen)};`);
  };

  it('writes what formatYuan writes: zero, negatives, small, round and the largest amounts', () => {
    const edges = [0, -0, 1, -1, 5, -5, 9, 10, -10, 99, -99, 100, -100, 101, -101, 999, 1000, 1001, 12345, -12345, 100000, 4764221, -4764221];
    for (let p = 1; p <= 1e15; p *= 10) edges.push(p - 1, p, p + 1, -(p - 1), -p, -(p + 1));
    edges.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 2 ** 52, -(2 ** 52));
    for (const fen of edges) same(fen);
  });

  it('writes what formatYuan writes for any safe whole number of fen', () => {
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), (fen) => same(fen)), { numRuns: 5000 });
    fc.assert(fc.property(fc.maxSafeInteger(), (fen) => same(fen)), { numRuns: 5000 });
  });

  it('refuses what is not a whole number of fen, as formatYuan does', () => {
    for (const x of [0.5, -1.25, NaN, Infinity, 2 ** 53]) {
      expect(() => new ByteWriter().yuan(x)).toThrow(RangeError);
      expect(() => formatYuan(x as Fen)).toThrow(RangeError);
    }
  });

  it('grows the buffer as needed', () => {
    const w = new ByteWriter(1);
    let want = '';
    for (let i = 0; i < 1000; i++) {
      w.yuan(i * 7919 - 3000);
      want += formatYuan((i * 7919 - 3000) as Fen);
    }
    expect(text(w)).toBe(want);
  });
});

describe('ByteWriter.plain', () => {
  it('copies a range of printable ASCII without commas or quotes', () => {
    const w = new ByteWriter(2);
    const line = 'C1,H005,2024-04-13,123.45';
    expect(w.plain(line, 3, 7)).toBe(true);
    expect(w.plain(line, 8, 18)).toBe(true);
    expect(w.plain(line, 0, 0)).toBe(true);
    expect(text(w)).toBe('H0052024-04-13');
  });

  it('writes nothing and answers false for a range that would need care (comma, quote, control or non-ASCII)', () => {
    for (const s of ['a,b', 'a"b', 'a\rb', 'a\tb', '医院', 'é', 'a\u007fb']) {
      const w = new ByteWriter(2);
      w.byte(120);
      expect(w.plain(`>${s}<`, 1, s.length + 1)).toBe(false);
      expect(text(w)).toBe('x');
    }
  });

  it('agrees with a plain-ASCII test on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (s) => {
        const w = new ByteWriter(1);
        const ok = /^[\x20-\x7e]*$/.test(s) && !/[,"]/.test(s);
        expect(w.plain(s, 0, s.length)).toBe(ok);
        expect(text(w)).toBe(ok ? s : '');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ByteWriter.reserve and advance', () => {
  it('commits bytes written into the reserved buffer, after what was written before, growing it as needed', () => {
    const w = new ByteWriter(4);
    w.ascii('ab');
    const buf = w.reserve(10);
    expect(buf.length).toBeGreaterThanOrEqual(12);
    let n = w.length;
    for (const c of 'cdefghijkl') buf[n++] = c.charCodeAt(0);
    w.advance(n);
    w.byte(10);
    expect(Buffer.from(w.take()).toString('latin1')).toBe('abcdefghijkl\n');
  });
  it('refuses a position before what is written or past the buffer (a row written beyond its reservation)', () => {
    const w = new ByteWriter(8);
    w.ascii('abc');
    const buf = w.reserve(2);
    expect(() => w.advance(2)).toThrow(RangeError);
    expect(() => w.advance(buf.length + 1)).toThrow(RangeError);
    w.advance(3);
    expect(w.length).toBe(3);
  });
});

describe('ByteWriter.take', () => {
  it('hands out a copy, or when lending a view that the next writes overwrite', () => {
    const w = new ByteWriter(16);
    w.ascii('first');
    const copy = w.take();
    w.ascii('FIRST');
    expect(Buffer.from(copy).toString('latin1')).toBe('first');
    const lent = w.take(true);
    expect(Buffer.from(lent).toString('latin1')).toBe('FIRST');
    w.ascii('later');
    expect(Buffer.from(lent).toString('latin1')).toBe('later');
    expect(Buffer.from(w.take(true)).toString('latin1')).toBe('later');
  });
});

describe('digitsInto', () => {
  it('writes the decimal digits of any safe whole number, on both sides of the int32 range', () => {
    const edges = [0, 9, 10, 99, 100, 999, 1000, 0x7fffffff, 0x80000000, 2 ** 32, Number.MAX_SAFE_INTEGER];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...edges), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (v) => {
        const buf = new Uint8Array(20).fill(35);
        const n = digitsInto(buf, 2, v);
        expect(Buffer.from(buf.subarray(0, n + 1)).toString('latin1')).toBe(`##${v}#`);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('copyRun', () => {
  it('copies any run of any bytes to any position, as a byte loop would, also after the buffers grew', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.nat(), fc.nat(), fc.nat({ max: 9 }), (bytes, x, y, pad) => {
        const src = new ByteWriter(2); // grows as the bytes go in: its view must follow
        src.raw(bytes);
        const a = x % bytes.length;
        const b = a + (y % (bytes.length - a + 1));
        const dst = new ByteWriter(4);
        dst.ascii('#'.repeat(pad));
        const buf = dst.reserve(b - a + 1);
        const n = copyRun(buf, dst.view, dst.length, src.bytes, src.view, a, b);
        expect(n).toBe(pad + b - a);
        buf[n] = 10;
        dst.advance(n + 1);
        expect([...dst.take()]).toEqual([...Array(pad).fill(35), ...bytes.subarray(a, b), 10]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ByteWriter.field', () => {
  it('writes any text as csvField does, UTF-8 encoded (short plain ASCII takes a copying shortcut)', () => {
    const cells = ['C000000001', '', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r', '阑尾炎', 'x'.repeat(64), 'y'.repeat(65), `${'z'.repeat(63)},`, `${'w'.repeat(40)}病`, 'é'];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...cells), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 8 })), { maxLength: 8 }), (row) => {
        const w = new ByteWriter(8); // small: the buffer grows mid-row
        row.forEach((cell, i) => {
          if (i > 0) w.byte(44);
          w.field(cell);
        });
        expect(new TextDecoder().decode(w.take())).toBe(row.map(csvField).join(','));
      }),
    );
  });
});

describe('ByteArena', () => {
  it('hands out the UTF-8 of each text as a view that stays valid as the arena fills more buffers', () => {
    const arena = new ByteArena(512);
    const texts = Array.from({ length: 200 }, (_, i) => `${i},分值 ${'x'.repeat(i % 13)}\n`);
    const views = texts.map((t) => arena.add(t));
    views.forEach((v, i) => expect(Buffer.from(v).toString('utf8')).toBe(texts[i]));
    // Views share buffers (not one buffer per text).
    expect(new Set(views.map((v) => v.buffer)).size).toBeLessThan(texts.length / 2);
  });

  it('encodes a text longer than a buffer on its own, and the empty text as no bytes', () => {
    const arena = new ByteArena(8);
    expect(Buffer.from(arena.add('a much longer text é')).toString('utf8')).toBe('a much longer text é');
    expect(arena.add('').length).toBe(0);
    expect(Buffer.from(arena.add('ok')).toString('utf8')).toBe('ok');
  });

  it('agrees with TextEncoder on any text', () => {
    const arena = new ByteArena(32);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        expect(Buffer.from(arena.add(s)).equals(Buffer.from(new TextEncoder().encode(s)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ByteWriter.decimal', () => {
  it('writes the bytes unitsText gives for any whole non-negative number of units and any number of decimals', () => {
    const w = new ByteWriter(1);
    for (const [u, k] of [[0, 4], [5, 4], [80000, 4], [1234500, 4], [1, 0], [120, 0], [7, 1], [Number.MAX_SAFE_INTEGER, 6]] as const) {
      w.decimal(u, k);
      expect(text(w)).toBe(unitsText(u, k));
    }
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), fc.integer({ min: 0, max: 8 }), (u, k) => {
        w.decimal(u, k);
        expect(text(w)).toBe(unitsText(u, k));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses what is not a whole non-negative safe integer', () => {
    for (const x of [-1, 0.5, NaN, Infinity, 2 ** 53]) expect(() => new ByteWriter().decimal(x, 4)).toThrow(RangeError);
  });
});
