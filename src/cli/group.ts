/**
 * `drg group`: group a CSV file of cases under a scheme — one file or a
 * year of a region's cases, streamed through worker threads.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { type CaseDecoder, parseColumnMap } from '../case/decode.js';
import type { Counts } from '../bulk/job.js';
import { groupCsv } from '../bulk/stream.js';
import { matrixCsv, matrixRows, REJECTS_HEADER, type MigrationMatrix, type OutputFormat } from '../jobs/group.js';
import { resolveSchemeDir } from '../paths.js';
import { configOf } from '../qc/config.js';
import { loadSchemeSync, type CompiledScheme } from '../../groupers/chs-drg/index.js';
import { readManifest } from '../../groupers/chs-drg/load.js';
import { HELP_FLAG, oneOf, onePositional, OUTPUT_FLAG, parseCommand, required, RUN_FLAGS } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { AtomicOutput, besideOutput, openInput } from './files.js';
import { progressFor } from './progress.js';

export const usage = `Usage: drg group --scheme <dir|name> <cases.csv|-> [options]

Group every case of a CSV file (canonical header: id,sex,age,age_days,
birth_weight,los,discharge,diagnoses,procedures; codes |-separated, principal
first) under a CHS-DRG scheme package. Files of any size are streamed; output
rows come in input order, byte-identical for any number of workers.

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
  --rejects <file>      write malformed rows (line, reason, message, raw text)
                        here instead of as invalid rows in the output
  --compare-scheme <s>  also group every case under a second scheme: adds cmp_*
                        columns and writes a migration matrix (old → new DRG)
  --matrix <file>       where the migration matrix goes (default: next to -o,
                        <output>.migration.csv)
  --qc                  run the settlement-list quality checks first (see drg qc): cases
                        with an error finding become invalid, with the rule ids as
                        reasons; findings go to a qc_findings column (a qc field in jsonl)
  --qc-config <file>    region configuration of the quality checks (implies --qc)
  --workers <n>         worker threads (default: available cores); 1 runs in-process
  --progress            show a progress line even when standard error is not a terminal
  -q, --quiet           no notes, no progress, no summary line
  -h, --help            this text

Exit codes: 0 done; 1 fatal error (no output file is left); 2 bad command line;
3 done, but some rows were malformed and went to the rejects file.`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    scheme: { type: 'string' },
    ...OUTPUT_FLAG,
    format: { type: 'string' },
    trace: { type: 'boolean' },
    translate: { type: 'boolean' },
    columns: { type: 'string' },
    rejects: { type: 'string' },
    'compare-scheme': { type: 'string' },
    matrix: { type: 'string' },
    qc: { type: 'boolean' },
    'qc-config': { type: 'string' },
    workers: { type: 'string' },
    ...RUN_FLAGS,
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'cases file');
  const schemeDir = resolveSchemeDir(required(values.scheme, '--scheme'));
  const compareDir = values['compare-scheme'] !== undefined ? resolveSchemeDir(values['compare-scheme']) : null;
  const format = oneOf<OutputFormat>(values.format, '--format', ['csv', 'jsonl', 'text'], 'csv');
  if (values.columns !== undefined) parseColumnMap(values.columns); // fail fast on a bad map
  const workers = parseWorkers(values.workers);
  const quiet = values.quiet === true;
  if (compareDir === null && values.matrix !== undefined) throw new UsageError('--matrix needs --compare-scheme');
  const matrixPath = compareDir !== null ? besideOutput(values.matrix, values.output, '.migration.csv', '--compare-scheme writes a migration matrix: give --matrix <file> (or -o <file>, and it goes next to it)') : undefined;
  const qc = values.qc === true || values['qc-config'] !== undefined ? { config: values['qc-config'] !== undefined ? resolve(values['qc-config']) : null } : null;
  if (qc !== null && compareDir !== null) throw new UsageError('--qc cannot be combined with --compare-scheme (check quality with one scheme, then compare)');
  // A broken configuration stops the run here, before any work.
  const costPrefix = qc !== null ? configOf(qc.config, values['qc-config']).params.cost_column_prefix.toLowerCase() : null;

  const started = performance.now();
  // In-process runs load the schemes here; with workers, each thread loads its own and
  // this thread only checks the manifests (cheap), to fail fast on a wrong name.
  let scheme: CompiledScheme | undefined;
  let compare: CompiledScheme | null = null;
  let schemeId: string;
  let compareId: string | undefined;
  if (workers <= 1) {
    scheme = loadSchemeSync(schemeDir);
    compare = compareDir !== null ? loadSchemeSync(compareDir) : null;
    schemeId = scheme.id;
    compareId = compare?.id;
  } else {
    schemeId = readManifest(schemeDir).id;
    compareId = compareDir !== null ? readManifest(compareDir).id : undefined;
  }

  if (values.translate === true && !quiet && !existsSync(join(schemeDir, 'dx_code_map.csv')) && !existsSync(join(schemeDir, 'proc_code_map.csv'))) {
    process.stderr.write(`drg group: note: scheme ${schemeId} has no code maps; --translate changes nothing\n`);
  }
  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  const matrixOut = matrixPath !== undefined ? new AtomicOutput(matrixPath) : undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const result = await groupCsv({
      scheme: schemeDir,
      ...(compareDir !== null ? { compare: compareDir } : {}),
      input: source,
      output: out.stream,
      ...(rejects !== undefined ? { rejects: rejects.stream } : {}),
      format,
      trace: values.trace === true,
      translate: values.translate === true,
      ...(values.columns !== undefined ? { columns: values.columns } : {}),
      workers,
      ...(qc !== null ? { qc } : {}),
      ...(scheme !== undefined ? { loaded: { scheme, compare } } : {}),
      onHeader: (decoder) => {
        if (!quiet) noteColumns(decoder, costPrefix);
      },
      ...(progress !== undefined ? { onProgress: (c: Counts) => progress.update(c['read'] ?? 0) } : {}),
    });
    progress?.done();
    if (matrixOut !== undefined) {
      matrixOut.stream.write(matrixCsv(result.matrix ?? {}));
      await matrixOut.commit();
    }
    await out.commit();
    await rejects?.commit();
    if (!quiet) {
      process.stderr.write(`${summary(result.counts, schemeId, performance.now() - started, values.rejects, workers)}\n`);
      if (matrixPath !== undefined) process.stderr.write(`${matrixSummary(result.matrix ?? {}, schemeId, compareId!, matrixPath)}\n`);
    }
    return (result.counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    rejects?.abort();
    matrixOut?.abort();
    throw err;
  }
}

export function parseWorkers(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) throw new UsageError(`--workers must be a whole number from 1 to 256 (got ${v})`);
  return Number(v);
}

/** Notes about the header; with --qc, itemised cost columns (costPrefix) are read by the checks, not ignored. */
function noteColumns(d: CaseDecoder, costPrefix: string | null): void {
  const ignored = costPrefix === null ? d.ignored : d.ignored.filter((h) => !h.trim().toLowerCase().startsWith(costPrefix));
  if (ignored.length > 0) process.stderr.write(`drg group: note: ignoring column${ignored.length > 1 ? 's' : ''} ${ignored.join(', ')}\n`);
  const absent = (['age_days', 'birth_weight', 'procedures', 'los', 'discharge'] as const).filter((f) => !d.fields.includes(f));
  if (absent.length > 0) process.stderr.write(`drg group: note: no column for ${absent.join(', ')}; treated as empty\n`);
}

/** The one-line summary; its counts always reconcile: read = grouped + ambiguous + ungroupable + invalid + rejected. */
export function summary(c: Counts, schemeId: string, ms: number, rejectsPath?: string, workers = 1): string {
  const n = (k: string) => c[k] ?? 0;
  const parts = [`${n('grouped')} grouped`];
  if (n('ambiguous') > 0) parts.push(`${n('ambiguous')} ambiguous`);
  parts.push(`${n('ungroupable')} ungroupable`, `${n('invalid')} invalid`);
  if (rejectsPath !== undefined) parts.push(`${n('rejected')} rejected${n('rejected') > 0 ? ` (see ${rejectsPath})` : ''}`);
  const rate = ms > 0 ? Math.round((n('read') * 1000) / ms) : 0;
  const blank = n('blank') > 0 ? `; ${n('blank')} blank line${n('blank') > 1 ? 's' : ''} skipped` : '';
  return `drg group: ${n('read')} rows read = ${parts.join(' + ')}${blank} (scheme ${schemeId}, ${workers} worker${workers > 1 ? 's' : ''}, ${(ms / 1000).toFixed(1)} s, ${rate} rows/s)`;
}

function matrixSummary(m: MigrationMatrix, from: string, to: string, path: string): string {
  const rows = matrixRows(m);
  const total = rows.reduce((a, r) => a + r.cases, 0);
  const moved = rows.filter((r) => r.fromDrg !== r.toDrg || r.fromStatus !== r.toStatus).reduce((a, r) => a + r.cases, 0);
  return `drg group: migration ${from} → ${to}: ${total} cases in ${rows.length} cells, ${moved} changed group (matrix in ${path})`;
}
