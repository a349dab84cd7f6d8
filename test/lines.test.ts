/**
 * visitLines (io/lines.ts) against parseBatch: for every batch, the same
 * rows, blank lines and bad records with the same lines, raw text and
 * reasons — on the tricky cases of io.test.ts and on random documents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visitLines } from '../src/io/lines.js';
import { RecordSplitter } from '../src/io/records.js';
import { parseBatch, type RowVisitor } from '../src/io/rows.js';

function visits(text: string, width: number, newline: '\n' | '\r\n', how: typeof parseBatch): string[] {
  const seen: string[] = [];
  const v: RowVisitor = {
    row: (line, cells) => seen.push(`${line}:${JSON.stringify(cells)}`),
    blank: (line) => seen.push(`${line}:blank`),
    bad: (line, raw, code, message) => seen.push(`${line}:bad:${code}:${raw}:${message}`),
  };
  const splitter = new RecordSplitter<string>(200, 7, true);
  for (const b of [...splitter.push(text), ...splitter.end()]) how(b, width, newline, v);
  return seen;
}

const same = (text: string, width: number, newline: '\n' | '\r\n' = '\n') => expect(visits(text, width, newline, visitLines)).toEqual(visits(text, width, newline, parseBatch));

describe('visitLines reads each batch as parseBatch does', () => {
  it('on quoted fields, blank lines, bad records, stray and escaped quotes', () => {
    same('A,1,"x\ny"\n\nB,2,z\n', 3);
    same('A,1,ok\nB,"2\nC,3\nD,4,ok\n', 3);
    same('A,1,ok,extra\n', 3);
    same('A,1,ok\nB,x"y,z\nC,2,ok\nD,3,ok\n', 3);
    same('A,"say ""hi""",ok\n"B,2",x,y\n', 3);
    same('A,1,ok\r\nB,"2",x\r\n\r\nC,3\r\n', 3, '\r\n');
  });

  it('on random documents', () => {
    const cell = fc.constantFrom('', 'a', ' b ', '1', 'x"y', '"q,1"', '"open', '"a""b"', 'c,d');
    const row = fc.array(cell, { minLength: 1, maxLength: 5 }).map((cells) => cells.join(','));
    const doc = fc.tuple(fc.array(fc.oneof(row, fc.constant('')), { minLength: 1, maxLength: 40 }), fc.constantFrom('\n' as const, '\r\n' as const));
    fc.assert(
      fc.property(doc, ([rows, nl]) => {
        same(`h1,h2,h3${nl}${rows.join(nl)}${nl}`, 3, nl);
      }),
      { numRuns: 1500, seed: 5 },
    );
  });
});
