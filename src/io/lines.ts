/**
 * The rows of a batch, one physical line at a time, for jobs that need every
 * row's cells (the quality checks, grouping without the fused reader).
 *
 * parseBatch reads a whole batch with papaparse as soon as it holds one
 * double quote, and record by record as soon as one record is malformed;
 * with a few malformed rows per batch (real files), that is most batches.
 * Here, when no record of the batch spans lines, each line is read on its
 * own: split on commas when it has no quote, papaparse only when it has one.
 * Each line gets exactly what parseBatch would give it (the same functions
 * as the fused reader's slow path).
 */
import type { RecordBatch } from './records.js';
import { parseBatch, type RowVisitor, visitQuoteFreeLine, visitRecord } from './rows.js';

export function visitLines(batch: RecordBatch, width: number, newline: '\n' | '\r\n', v: RowVisitor): void {
  if (batch.multiline) {
    parseBatch(batch, width, newline, v);
    return;
  }
  const text = batch.text;
  const n = text.length;
  let line = batch.firstLine;
  let pos = 0;
  let quote = text.indexOf('"');
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    const next = nl === -1 ? n : nl + 1;
    if (nl === -1) nl = n;
    const lineEnd = newline === '\r\n' && nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const lineText = text.slice(pos, lineEnd);
    if (quote !== -1 && quote < nl) {
      visitRecord(line, lineText.endsWith('\r') ? lineText.slice(0, -1) : lineText, width, newline, v);
      quote = text.indexOf('"', next);
    } else {
      visitQuoteFreeLine(line, lineText, width, v);
    }
    line++;
    pos = next;
  }
}
