/**
 * `drg dip whatif`: every group each case could reach, with score and payment.
 */
import { resolve } from 'node:path';
import { CaseDecoder } from '../../case/decode.js';
import type { CaseField } from '../../case/schema.js';
import type { BatchJob } from '../../bulk/job.js';
import { runPipeline } from '../../bulk/pipeline.js';
import { DipWhatIfJob, type DipWhatIfJobSpec } from '../../jobs/dip-whatif.js';
import { loadDirectorySync } from '../../../groupers/dip/index.js';
import { onePositional, oneOf, required } from '../args.js';
import { EXIT } from '../errors.js';
import { AtomicOutput, openInput } from '../files.js';
import { columnsOf, parseCommand, parsePointValue } from './common.js';

export const usage = `Usage: drg dip whatif --directory <dir> <cases.csv|-> [options]

For each case, every DIP group it could reach — with each of its diagnoses as
principal: the core groups whose main procedures it has (full, related or main
match), the conservative group when it has no key procedure, the comprehensive
group of its category and procedure type — with the score and payment there.
The group the matcher chooses is marked (→ in text, chosen=yes in CSV).

Options:
  --directory <dir>     DIP directory folder
  --point-value <pv>    yuan per score point (default: the directory's)
  -o, --output <file>   output file (default: standard output)
  --format <f>          text (default), csv or jsonl
  --columns <map>       map other header names onto the canonical fields
  -h, --help            this text`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { directory: { type: 'string' }, 'point-value': { type: 'string' }, output: { type: 'string', short: 'o' }, format: { type: 'string' }, columns: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'cases file');
  const dir = resolve(required(values.directory, '--directory'));
  const format = oneOf<'text' | 'csv' | 'jsonl'>(values.format, '--format', ['text', 'csv', 'jsonl'], 'text');
  const pointValue = parsePointValue(values['point-value']);
  const columns = columnsOf(values.columns);
  const directory = loadDirectorySync(dir);
  const out = new AtomicOutput(values.output);
  try {
    await runPipeline<DipWhatIfJobSpec>({
      input: openInput(input),
      output: out.stream,
      workers: 1,
      makeSpec: (header, newline) => {
        new CaseDecoder(header, new Map(columns)); // validates the header
        return { kind: 'dip-whatif', directory: dir, format, columns: columns as [string, CaseField][], pointValue, header, newline };
      },
      makeLocalJob: (spec): BatchJob => new DipWhatIfJob(spec, directory),
    });
    await out.commit();
    return EXIT.ok;
  } catch (err) {
    out.abort();
    throw err;
  }
}
