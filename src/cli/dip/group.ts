/**
 * `drg dip group`: group and score every case of a CSV file under a DIP
 * directory, streamed through worker threads.
 */
import { resolve } from 'node:path';
import { CaseDecoder } from '../../case/decode.js';
import type { CaseField } from '../../case/schema.js';
import type { BatchJob } from '../../bulk/job.js';
import { runPipeline } from '../../bulk/pipeline.js';
import { DipGroupJob, dipGroupHead, ICU_DAYS_COLUMN, type DipGroupJobSpec, type DipOutputFormat } from '../../jobs/dip-group.js';
import { REJECTS_HEADER } from '../../jobs/group.js';
import { directorySnapshot, loadDirectorySync } from '../../../groupers/dip/index.js';
import { onePositional, oneOf, required } from '../args.js';
import { EXIT } from '../errors.js';
import { AtomicOutput, openInput } from '../files.js';
import { parseWorkers } from '../group.js';
import { progressFor } from '../progress.js';
import { CASE_FILE_OPTIONS, columnsOf, dipSummary, parseCommand, parsePointValue } from './common.js';

export const usage = `Usage: drg dip group --directory <dir> <cases.csv|-> [options]

Group and score every case of a CSV file (the canonical case header, as for
drg group, with total_cost for deviation checks and hospital_level for
hospital coefficients; an optional icu_days column feeds ICU subtypes) under
a DIP directory. Output rows come in input order, byte-identical for any
number of workers.

Output columns: id,status,group,group_name,kind,match,subtype,coefficient,
base_score,score,deviation,payment,reasons,warnings,detail

Options:
  --directory <dir>     DIP directory folder (directory.csv + dip.json, see README)
  --point-value <pv>    yuan per score point for standards and payments
                        (default: the directory's point_value)
  -o, --output <file>   output file (default: standard output), written under a
                        temporary name and renamed when the run succeeds
  --format <f>          csv (default) or jsonl (every detail per case)
  --trace               add each case's decisions (a trace column, or JSON steps)
  --columns <map>       map other header names onto the canonical fields
  --rejects <file>      write malformed rows here instead of as invalid rows
  --workers <n>         worker threads (default: available cores); 1 runs in-process
  --progress            show a progress line even when standard error is not a terminal
  -q, --quiet           no notes, no progress, no summary line
  -h, --help            this text

Exit codes: 0 done; 1 fatal error (no output file is left); 2 bad command line;
3 done, but some rows were malformed and went to the rejects file.`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { ...CASE_FILE_OPTIONS, directory: { type: 'string' }, 'point-value': { type: 'string' }, output: { type: 'string', short: 'o' }, format: { type: 'string' }, trace: { type: 'boolean' }, workers: { type: 'string' } }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'cases file');
  const dir = resolve(required(values.directory, '--directory'));
  const format = oneOf<DipOutputFormat>(values.format, '--format', ['csv', 'jsonl'], 'csv');
  const pointValue = parsePointValue(values['point-value']);
  const columns = columnsOf(values.columns);
  const workers = parseWorkers(values.workers);
  const quiet = values.quiet === true;
  const started = performance.now();
  // The directory is read, checked and compiled once, here (failing fast with one message);
  // worker threads get the compiled form as data instead of loading the folder each.
  const directory = loadDirectorySync(dir);

  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const result = await runPipeline<DipGroupJobSpec>({
      input: source,
      output: out.stream,
      rejects: rejects?.stream,
      workers,
      // As for drg group: a capped old generation makes workers collect before they grow far
      // past their live set. Measured: a directory of 15,645 groups plus the scorer's memo for
      // 2M cases (45,000 group × level profiles, cached rows) is about 40 MB of heap.
      workerHeapMb: 160,
      makeSpec: (header, newline) => {
        const spec: DipGroupJobSpec = {
          kind: 'dip-group',
          directory: dir,
          format,
          trace: values.trace === true,
          rejects: rejects !== undefined,
          header,
          columns: columns as [string, CaseField][],
          newline,
          pointValue,
          ...(workers > 1 ? { compiled: directorySnapshot(directory) } : {}),
        };
        const decoder = new CaseDecoder(header, new Map(spec.columns)); // validates the header before any work starts
        if (!quiet) noteColumns(decoder);
        return spec;
      },
      makeLocalJob: (spec): BatchJob =>
        workers <= 1
          ? new DipGroupJob(spec, { directory })
          : {
              head: () => dipGroupHead(spec),
              run: () => {
                throw new Error('batches run on the worker pool');
              },
            },
      onProgress: progress !== undefined ? (c) => progress.update(c['read'] ?? 0) : undefined,
    });
    progress?.done();
    await out.commit();
    await rejects?.commit();
    if (!quiet) process.stderr.write(`${dipSummary('drg dip group', result.counts, dir, performance.now() - started, values.rejects, workers)}\n`);
    return (result.counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    rejects?.abort();
    throw err;
  }
}

function noteColumns(d: CaseDecoder): void {
  const ignored = d.ignored.filter((c) => c.trim().toLowerCase() !== ICU_DAYS_COLUMN);
  if (ignored.length > 0) process.stderr.write(`drg dip group: note: ignoring column${ignored.length > 1 ? 's' : ''} ${ignored.join(', ')}\n`);
  const absent = (['procedures', 'total_cost'] as const).filter((f) => !d.fields.includes(f));
  if (absent.length > 0) process.stderr.write(`drg dip group: note: no column for ${absent.join(', ')}; treated as empty\n`);
}
