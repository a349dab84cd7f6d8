/**
 * The streaming library API, for programs that want bulk grouping without
 * the CLI:
 *
 * - `readCases(input)`: an async iterable of the rows of a case CSV, each a
 *   decoded case (with its line and any field problems) or a bad record.
 * - `groupCases(scheme, cases)`: an async iterable of cases in, results out.
 * - `groupCsv({...})`: a CSV file or stream to a CSV stream, on worker
 *   threads, with the same reconciled counts as `drg group`.
 */
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CaseDecoder, parseColumnMap } from '../case/decode.js';
import type { Case, CaseField, FieldProblem } from '../case/schema.js';
import { RecordSplitter } from '../io/records.js';
import { parseBatch, parseHeader } from '../io/rows.js';
import { GroupJob, groupHead, type GroupJobSpec, type OutputFormat } from '../jobs/group.js';
import type { QcSpec } from '../jobs/group-qc.js';
import { resolveSchemeDir } from '../paths.js';
import { groupCase, loadSchemeSync, type CompiledScheme, type GroupInput, type GroupOptions, type GroupResult } from '../../groupers/chs-drg/index.js';
import type { BatchJob, Counts } from './job.js';
import { EmptyInputError, runPipeline } from './pipeline.js';

/** One row of a case file. */
export type CaseRow =
  | { readonly kind: 'case'; readonly line: number; readonly case: Case; readonly problems: readonly FieldProblem[] | null }
  | { readonly kind: 'bad'; readonly line: number; readonly code: string; readonly message: string; readonly raw: string };

export interface ReadCasesOptions {
  /** A `--columns` map, e.g. `settlement-list` or `gend=sex`. */
  readonly columns?: string;
}

/**
 * The rows of a case CSV (a path or a readable stream), in order. Blank lines
 * are skipped; records that cannot be parsed come as `{kind: 'bad'}`.
 * Throws HeaderError for a header without the required columns.
 */
export async function* readCases(input: string | Readable, options: ReadCasesOptions = {}): AsyncGenerator<CaseRow> {
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  stream.setEncoding('utf8');
  const splitter = new RecordSplitter<string>(256 * 1024, 4096, true);
  const map = options.columns !== undefined ? parseColumnMap(options.columns) : new Map<string, CaseField>();
  let decoder: CaseDecoder | undefined;
  let newline: '\n' | '\r\n' = '\n';
  const pending: CaseRow[] = [];
  const take = (batchText: string, firstLine: number, records: number, multiline: boolean): void => {
    if (decoder === undefined) {
      newline = batchText.endsWith('\r\n') ? '\r\n' : '\n';
      decoder = new CaseDecoder(parseHeader(batchText), map);
      return;
    }
    const d = decoder;
    parseBatch({ text: batchText, firstLine, records, multiline }, d.width, newline, {
      row: (line, cells) => {
        const { case: c, problems } = d.decode(cells);
        pending.push({ kind: 'case', line, case: c, problems });
      },
      blank: () => undefined,
      bad: (line, raw, code, message) => pending.push({ kind: 'bad', line, code, message, raw }),
    });
  };
  for await (const chunk of stream) {
    for (const b of splitter.push(chunk as string)) take(b.text, b.firstLine, b.records, b.multiline);
    yield* pending.splice(0);
  }
  for (const b of splitter.end()) take(b.text, b.firstLine, b.records, b.multiline);
  if (decoder === undefined) throw new EmptyInputError();
  yield* pending.splice(0);
}

/** Group each case of an (async) iterable, in order. */
export async function* groupCases(scheme: CompiledScheme, cases: AsyncIterable<GroupInput> | Iterable<GroupInput>, options?: GroupOptions): AsyncGenerator<GroupResult> {
  for await (const c of cases) yield groupCase(scheme, c, options);
}

export interface GroupCsvOptions {
  /** Scheme name or folder. */
  readonly scheme: string;
  /** A second scheme to compare with (adds cmp_* columns; the matrix comes back in `matrix`). */
  readonly compare?: string;
  /** A CSV path or a readable stream of bytes. */
  readonly input: string | Readable;
  readonly output: Writable;
  /** Malformed rows go here (line, reason, message, raw) instead of the output. */
  readonly rejects?: Writable;
  readonly format?: OutputFormat;
  readonly trace?: boolean;
  readonly translate?: boolean;
  readonly columns?: string;
  /** Run the quality checks first (`drg group --qc`), with a region configuration file or the defaults (null). */
  readonly qc?: QcSpec;
  /** Worker threads (default 1: in-process). */
  readonly workers?: number;
  /** Schemes already loaded in this thread (used when running in-process). */
  readonly loaded?: { readonly scheme: CompiledScheme; readonly compare: CompiledScheme | null };
  /** Called once with the decoder of the input header (for notes about ignored or absent columns). */
  readonly onHeader?: (decoder: CaseDecoder) => void;
  /** Called after each batch with the running counts. */
  readonly onProgress?: (counts: Counts) => void;
}

/** Group a whole CSV stream; resolves with the reconciled counts (and the migration matrix when comparing). */
export async function groupCsv(o: GroupCsvOptions): Promise<{ counts: Counts; matrix: Record<string, number> | undefined }> {
  const workers = o.workers ?? 1;
  const schemeDir = resolveSchemeDir(o.scheme);
  const compareDir = o.compare !== undefined ? resolveSchemeDir(o.compare) : null;
  const loaded = workers <= 1 ? (o.loaded ?? { scheme: loadSchemeSync(schemeDir), compare: compareDir !== null ? loadSchemeSync(compareDir) : null }) : undefined;
  const columns = o.columns !== undefined ? [...parseColumnMap(o.columns)] : [];
  const result = await runPipeline<GroupJobSpec>({
    input: typeof o.input === 'string' ? createReadStream(o.input, { highWaterMark: 1 << 20 }) : o.input,
    output: o.output,
    rejects: o.rejects,
    workers,
    // Measured: one scheme lives in about 50 MB of heap after loading; 128 MB keeps
    // peak RSS near 370 MB at 10M rows on 2 workers (bench/RESULTS.md).
    workerHeapMb: compareDir === null ? 128 : 208,
    makeSpec: (header, newline) => {
      const spec: GroupJobSpec = { kind: 'group', scheme: schemeDir, compare: compareDir, format: o.format ?? 'csv', trace: o.trace === true, translate: o.translate === true, rejects: o.rejects !== undefined, header, columns, newline, ...(o.qc !== undefined ? { qc: o.qc } : {}) };
      const decoder = new CaseDecoder(header, new Map(columns)); // validates the header before any work starts
      o.onHeader?.(decoder);
      return spec;
    },
    onProgress: o.onProgress !== undefined ? (c) => o.onProgress!(c) : undefined,
    makeLocalJob: (spec): BatchJob =>
      loaded !== undefined
        ? new GroupJob(spec, loaded)
        : {
            head: () => groupHead(spec),
            run: () => {
              throw new Error('batches run on the worker pool');
            },
          },
  });
  return { counts: result.counts, matrix: result.aggregate as Record<string, number> | undefined };
}
