/**
 * `drg group`: group a CSV file of cases under a scheme.
 */
import { parseColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import { runPipeline } from '../bulk/pipeline.js';
import { GroupJob, REJECTS_HEADER, type Counts, type OutputFormat } from '../jobs/group.js';
import { resolveSchemeDir } from '../paths.js';
import { loadSchemeSync } from '../../groupers/chs-drg/index.js';
import { onePositional, oneOf, parse, required } from './args.js';
import { EXIT } from './errors.js';
import { AtomicOutput, openInput } from './files.js';

export const usage = `Usage: drg group --scheme <dir|name> <cases.csv|-> [options]

Group every case of a CSV file (canonical header: id,sex,age,age_days,
birth_weight,los,discharge,diagnoses,procedures; codes |-separated, principal
first) under a CHS-DRG scheme package.

Options:
  --scheme <dir|name>   scheme package folder, or a name in the schemes folder
                        ($DRG_SCHEMES_DIR, default ../shared/schemes), e.g. chs-drg-1.1
  -o, --output <file>   output file (default: standard output); written under a
                        temporary name and renamed when the run succeeds
  --format <f>          csv (default), jsonl (one JSON object per case), or text
  --trace               add each case's decision steps (a trace column in CSV,
                        structured steps in JSON lines, numbered lines in text)
  --translate           translate older codes with the scheme's code maps first
  --columns <map>       map other header names onto the canonical fields:
                        gend=sex,nwb_age=age_days or the preset settlement-list
  --rejects <file>      write malformed rows (line, reason, raw text) here
                        instead of as invalid rows in the output
  -q, --quiet           no summary line on standard error
  -h, --help            this text

Exit codes: 0 done; 1 fatal error (no output file is left); 2 bad command line;
3 done, but some rows were malformed and went to the rejects file.`;

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    scheme: { type: 'string' },
    output: { type: 'string', short: 'o' },
    format: { type: 'string' },
    trace: { type: 'boolean' },
    translate: { type: 'boolean' },
    columns: { type: 'string' },
    rejects: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const input = onePositional(positionals, 'cases file');
  const schemeArg = required(values.scheme, '--scheme');
  const format = oneOf<OutputFormat>(values.format, '--format', ['csv', 'jsonl', 'text'], 'csv');
  const columns = values.columns !== undefined ? [...parseColumnMap(values.columns)] : [];
  const started = performance.now();
  const scheme = loadSchemeSync(schemeArg);
  const source = openInput(input);
  const out = new AtomicOutput(values.output);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const counts = await runPipeline({
      input: source,
      output: out.stream,
      rejects: rejects?.stream,
      makeJob: (header, newline) => {
        const job = new GroupJob(
          { scheme: resolveSchemeDir(schemeArg), format, trace: values.trace === true, translate: values.translate === true, rejects: rejects !== undefined, header, columns: columns as [string, CaseField][], newline },
          scheme,
        );
        if (!values.quiet) noteColumns(job);
        return job;
      },
    });
    await out.commit();
    await rejects?.commit();
    if (!values.quiet) process.stderr.write(`${summary(counts, scheme.id, performance.now() - started, values.rejects)}\n`);
    return counts.rejected > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    out.abort();
    rejects?.abort();
    throw err;
  }
}

function noteColumns(job: GroupJob): void {
  const d = job.decoder;
  if (d.ignored.length > 0) process.stderr.write(`drg group: note: ignoring column${d.ignored.length > 1 ? 's' : ''} ${d.ignored.join(', ')}\n`);
  const absent = (['age_days', 'birth_weight', 'procedures', 'los', 'discharge'] as const).filter((f) => !d.fields.includes(f));
  if (absent.length > 0) process.stderr.write(`drg group: note: no column for ${absent.join(', ')}; treated as empty\n`);
}

/** The one-line summary; its counts always reconcile: read = grouped + ambiguous + ungroupable + invalid + rejected. */
export function summary(c: Counts, schemeId: string, ms: number, rejectsPath?: string): string {
  const parts = [`${c.grouped} grouped`];
  if (c.ambiguous > 0) parts.push(`${c.ambiguous} ambiguous`);
  parts.push(`${c.ungroupable} ungroupable`, `${c.invalid} invalid`);
  if (rejectsPath !== undefined) parts.push(`${c.rejected} rejected${c.rejected > 0 ? ` (see ${rejectsPath})` : ''}`);
  const rate = ms > 0 ? Math.round((c.read * 1000) / ms) : 0;
  const blank = c.blank > 0 ? `; ${c.blank} blank line${c.blank > 1 ? 's' : ''} skipped` : '';
  return `drg group: ${c.read} rows read = ${parts.join(' + ')}${blank} (scheme ${schemeId}, ${(ms / 1000).toFixed(1)} s, ${rate} rows/s)`;
}
