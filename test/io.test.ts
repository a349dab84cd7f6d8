/**
 * Reading CSV streams: the record splitter (what a row is, which line it
 * starts on) and the batch parser (papaparse, its quote-free fast path, and
 * the per-record fallback that reports bad rows).
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { arenaByteOps, MAX_RECORD_LINES, MIN_RUN, RecordSplitter, splitRecords, type RecordBatch } from '../src/io/records.js';
import { parseBatch, splitQuoteFree } from '../src/io/rows.js';

/** Records with their first line, from batches. */
function records(batches: RecordBatch[]): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  for (const b of batches) {
    let line = b.firstLine;
    for (const r of splitRecords(b.text)) {
      out.push({ line, text: r });
      line += Math.max(1, (r.match(/\n/g) ?? []).length);
    }
  }
  return out;
}

function feed(text: string, chunks: number[], target = 1 << 20, max = 8192): RecordBatch[] {
  const s = new RecordSplitter(target, max);
  const out: RecordBatch[] = [];
  let at = 0;
  for (const n of chunks) {
    out.push(...s.push(text.slice(at, at + n)));
    at += n;
  }
  out.push(...s.push(text.slice(at)), ...s.end());
  return out;
}

describe('RecordSplitter', () => {
  it('splits at newlines outside quotes and counts lines', () => {
    const text = 'a,b\n1,"x\ny"\n2,z\n';
    const b = feed(text, []);
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ firstLine: 1, records: 3, multiline: true });
    expect(records(b)).toEqual([
      { line: 1, text: 'a,b\n' },
      { line: 2, text: '1,"x\ny"\n' },
      { line: 4, text: '2,z\n' },
    ]);
  });

  it('keeps a last record without a trailing newline', () => {
    expect(records(feed('a\nb', []))).toEqual([
      { line: 1, text: 'a\n' },
      { line: 2, text: 'b' },
    ]);
  });

  it('emits the header alone when asked', () => {
    const s = new RecordSplitter(1 << 20, 8192, true);
    const out = [...s.push('h1,h2\r\n1,2\r\n3,4\r\n'), ...s.end()];
    expect(out.map((b) => [b.firstLine, b.records])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(out[0]!.text).toBe('h1,h2\r\n');
  });

  it('cuts a quote left open at the end of input after its first line', () => {
    expect(records(feed('a\n1,"open\n2,ok\n3,ok\n', []))).toEqual([
      { line: 1, text: 'a\n' },
      { line: 2, text: '1,"open\n' },
      { line: 3, text: '2,ok\n' },
      { line: 4, text: '3,ok\n' },
    ]);
  });

  it(`cuts a quote left open for more than ${MAX_RECORD_LINES} lines, and keeps going`, () => {
    const lines = ['h', '1,"open'];
    for (let i = 0; i < MAX_RECORD_LINES + 5; i++) lines.push(`${i},row`);
    lines.push('x,"closed"', '');
    const rs = records(feed(lines.join('\n'), []));
    expect(rs[1]).toEqual({ line: 2, text: '1,"open\n' });
    expect(rs[2]).toEqual({ line: 3, text: '0,row\n' });
    expect(rs).toHaveLength(lines.length - 1);
  });

  it(`keeps runs of ${MIN_RUN} one-line records out of batches with a record of several lines, without making many small batches`, () => {
    const one = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i},x`);
    const many = (tag: string) => [`${tag},"a`, 'b"'];
    const check = (rows: string[], chunks: number[]) => {
      const text = `${rows.join('\n')}\n`;
      const batches = feed(text, chunks);
      expect(records(batches).map((r) => r.text).join('')).toBe(text);
      for (const b of batches) {
        const rs = records([b]).map((r) => r.text.slice(0, -1).includes('\n'));
        expect(b.multiline).toBe(rs.includes(true));
        // In a batch with a record of several lines, no run of one-line records reaches MIN_RUN.
        if (b.multiline) expect(Math.max(...rs.join('').split('true').map((x) => x.split('false').length - 1))).toBeLessThan(MIN_RUN);
      }
      return batches;
    };
    // Sparse records of several lines, as in real files: each run of one-line records is a batch of its own.
    const sparse = check([...one(600, 'a'), ...many('m1'), ...one(10, 'b'), ...many('m2'), ...one(700, 'c'), ...many('m3')], []);
    expect(sparse.map((b) => [b.records, b.multiline])).toEqual([[600, false], [12, true], [700, false], [1, true]]);
    // Short runs between them stay mixed: one batch, not thousands.
    const alternating = check(Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? many(`m${i}`) : one(1, `s${i}`))).flat(), [7, 3]);
    expect(alternating).toHaveLength(1);
    // Whatever the chunking.
    expect(check([...one(300, 'a'), ...many('m'), ...one(300, 'b')], [1, 2, 5, 9]).map((b) => [b.records, b.multiline])).toEqual([[300, false], [1, true], [300, false]]);
  });

  it('gives the same records and lines whatever the chunking and batch size', () => {
    const cell = fc.oneof(fc.constantFrom('', 'a', 'K35.300', ' ', '"q"', '"a,b"', '"x\ny"', '"e""f"', 'z"'), fc.stringMatching(/^[a-z0-9 .|]{0,5}$/));
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(','));
    const doc = fc.tuple(fc.array(row, { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([rs, nl, last]) => rs.join(nl) + (last ? nl : ''));
    fc.assert(
      fc.property(doc, fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 20 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5 }), (text, chunks, target, max) => {
        const whole = records(feed(text, []));
        const batches = feed(text, chunks, target, max);
        const parts = records(batches);
        expect(parts).toEqual(whole);
        expect(parts.map((r) => r.text).join('')).toBe(text);
        // A batch is multiline exactly when one of its records spans several lines.
        for (const b of batches) expect(b.multiline).toBe(records([b]).some((r) => r.text.replace(/\r?\n$/, '').includes('\n')));
      }),
      { numRuns: 1500, seed: 3 },
    );
  });
});

describe('parseBatch', () => {
  const visit = () => {
    const seen: string[] = [];
    return {
      seen,
      v: {
        row: (line: number, cells: string[]) => seen.push(`${line}:${cells.join('/')}`),
        blank: (line: number) => seen.push(`${line}:blank`),
        bad: (line: number, raw: string, code: string) => seen.push(`${line}:bad:${code}:${raw}`),
      },
    };
  };
  const batch = (text: string, firstLine = 2): RecordBatch => {
    const b = feed(text, []);
    return { text, firstLine, records: b.reduce((a, x) => a + x.records, 0), multiline: b.some((x) => x.multiline) };
  };

  it('parses rows, blank lines and quoted fields with their lines', () => {
    const { seen, v } = visit();
    parseBatch(batch('A,1,"x\ny"\n\nB,2,z\n'), 3, '\n', v);
    expect(seen).toEqual(['2:A/1/x\ny', '4:blank', '5:B/2/z']);
  });

  it('reports a bad record by line and raw text, and keeps its neighbours', () => {
    const { seen, v } = visit();
    parseBatch(batch('A,1,ok\nB,"2\nC,3\nD,4,ok\n'), 3, '\n', v);
    expect(seen).toEqual(['2:A/1/ok', '3:bad:row.malformed:B,"2', '4:bad:row.too_few_fields:C,3', '5:D/4/ok']);
  });

  it('reports too many fields', () => {
    const { seen, v } = visit();
    parseBatch(batch('A,1,ok,extra\n'), 3, '\n', v);
    expect(seen).toEqual(['2:bad:row.too_many_fields:A,1,ok,extra']);
  });

  it('reads a quote inside an unquoted field as a literal, as papaparse does, without swallowing later rows', () => {
    const { seen, v } = visit();
    parseBatch(batch('A,1,ok\nB,x"y,z\nC,2,ok\nD,3,ok\n'), 3, '\n', v);
    expect(seen).toEqual(['2:A/1/ok', '3:B/x"y/z', '4:C/2/ok', '5:D/3/ok']);
  });

  it('reads escaped quotes inside quoted fields', () => {
    const { seen, v } = visit();
    parseBatch(batch('A,"say ""hi""",ok\n"B,2",x,y\n'), 3, '\n', v);
    expect(seen).toEqual(['2:A/say "hi"/ok', '3:B,2/x/y']);
  });

  it('splits quote-free text exactly like papaparse', () => {
    const text = fc.array(fc.array(fc.stringMatching(/^[^",\r\n]{0,4}$/), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(text, fc.constantFrom('\n' as const, '\r\n' as const), (rows, nl) => {
        const t = rows.map((r) => r.join(',')).join(nl) + nl;
        const papa = Papa.parse<string[]>(t, { delimiter: ',', newline: nl }).data;
        papa.pop(); // the trailing empty row papaparse adds after the final newline
        expect(splitQuoteFree(t, nl)).toEqual(papa);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});

describe('RecordSplitter over a reused byte buffer (arenaByteOps)', () => {
  it('gives the same records as over strings, though the reader reuses its chunk buffer and the arena grows', () => {
    const cell = fc.oneof(fc.constantFrom('', 'a', 'K35.300', '"q"', '"a,b"', '"x\ny"', '"e""f"', 'z"', '病'), fc.stringMatching(/^[a-z0-9 .|]{0,40}$/));
    const row = fc.array(cell, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(','));
    const doc = fc.tuple(fc.array(row, { minLength: 1, maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([rs, nl, last]) => rs.join(nl) + (last ? nl : ''));
    fc.assert(
      fc.property(doc, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 200 }), (text, chunk, target) => {
        const bytes = Buffer.from(text, 'utf8');
        const s = new RecordSplitter<Buffer>(target, 5, false, arenaByteOps(8));
        const reused = Buffer.alloc(chunk);
        const got: RecordBatch[] = [];
        // Copy each batch out at once, as the pool does: a batch is a view valid until the next push.
        const take = (bs: RecordBatch<Buffer>[]) => got.push(...bs.map((b) => ({ ...b, text: b.text.toString('utf8') })));
        for (let at = 0; at < bytes.length; at += chunk) {
          const n = bytes.copy(reused, 0, at, Math.min(at + chunk, bytes.length));
          take(s.push(reused.subarray(0, n)));
          reused.fill(0x21); // the reader overwrites its buffer
        }
        take(s.end());
        expect(records(got)).toEqual(records(feed(text, [])));
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});
