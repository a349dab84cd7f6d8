/**
 * `drg weights`: relative weights from a history of cases, and the scheme's
 * evaluation (RIV, CV overall and per MDC, grouping rate). A thin layer over
 * weightsFromCsv (weights/bulk.ts).
 */
import { resolve } from 'node:path';
import type { Counts } from '../bulk/job.js';
import { parseColumnMap } from '../case/decode.js';
import { Decimal, parseYuan } from '../money.js';
import { REJECTS_HEADER } from '../jobs/group.js';
import { resolveSchemeDir } from '../paths.js';
import { loadSchemeSync } from '../../groupers/chs-drg/index.js';
import { loadAdjustments } from '../../weights/adjust.js';
import { weightsFromCsv } from '../../weights/bulk.js';
import type { RescaleMode } from '../../weights/compute.js';
import type { TrimSpec } from '../../weights/trim/index.js';
import { formatWeightTable, weightReport, weightSummary } from '../../weights/write.js';
import { HELP_FLAG, oneOf, onePositional, OUTPUT_FLAG, parseCommand, required, RUN_FLAGS } from './args.js';
import { EXIT, FatalError, UsageError } from './errors.js';
import { AtomicOutput, openInput } from './files.js';
import { parseWorkers } from './group.js';
import { progressFor } from './progress.js';

export const usage = `Usage: drg weights --scheme <dir|name> <history.csv|-> [options]

Compute DRG relative weights from a history of cases and evaluate the scheme.
The history is the canonical case CSV with total_cost (yuan) and a year: a
"year" column when present, else the year of discharge_date. Cases are grouped,
stays over the LOS limit and costs under the minimum dropped, each group's
extreme costs trimmed, yearly means weighted (1:2:7 by default), and
RW = group mean / overall mean. Writes the weight table (loadable by drg price).

Options:
  --scheme <dir|name>     scheme package folder or name
  -o, --output <file>     weight table CSV (default: standard output)
  --report <file>         everything computed, as JSON (per group, per year, per MDC)
  --trim <m>              logsd (default), percentile, or none
  --k <n>                 logsd: keep log cost within mean ± k SD (default 3)
  --percentiles <lo,hi>   percentile: keep costs within these percentiles (default 2.5,97.5)
  --min-cost <yuan>       drop cases costing less (default 5)
  --max-los <days>        drop stays longer (default 60)
  --year-weights <list>   weights of the years, oldest first (default 1,2,7)
  --years <list>          the years to use, oldest first (default: the latest in the file)
  --min-cases <n>         flag groups with fewer kept cases (default 5)
  --max-cv <x>            flag groups with a higher CV (default 0.7)
  --rw-decimals <n>       decimals of the RW, rounded half up (default 4)
  --adjust <file>         policy factors by DRG (CSV drg,factor): RW × factor
  --rescale <m>           none (default); keep_total: keep Σ n·RW as before adjustment;
                          unit: make Σ n·RW equal the number of cases (mean RW 1)
  --columns <map>         map other header names onto the canonical fields
  --rejects <file>        write malformed rows here (line, reason, message, raw)
  --workers <n>           worker threads for grouping (default: available cores)
  --temp-dir <dir>        where the spill file goes (default: the system temp folder)
  --progress              show a progress line even when standard error is not a terminal
  -q, --quiet             no summary
  -h, --help              this text

Exit codes: 0 done; 1 fatal error; 2 bad command line; 3 done, but some rows
were malformed and went to the rejects file.`;

function numberList(v: string, flag: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) throw new UsageError(`${flag} must be a comma-separated list of numbers (got ${v})`);
  return parts.map(Number);
}

function positive(v: string | undefined, flag: string, fallback: number, integer = false): number {
  if (v === undefined) return fallback;
  if (!(integer ? /^\d+$/ : /^\d+(\.\d+)?$/).test(v)) throw new UsageError(`${flag} must be a ${integer ? 'whole ' : ''}non-negative number (got ${v})`);
  return Number(v);
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    scheme: { type: 'string' },
    ...OUTPUT_FLAG,
    report: { type: 'string' },
    trim: { type: 'string' },
    k: { type: 'string' },
    percentiles: { type: 'string' },
    'min-cost': { type: 'string' },
    'max-los': { type: 'string' },
    'year-weights': { type: 'string' },
    years: { type: 'string' },
    'min-cases': { type: 'string' },
    'max-cv': { type: 'string' },
    'rw-decimals': { type: 'string' },
    adjust: { type: 'string' },
    rescale: { type: 'string' },
    columns: { type: 'string' },
    rejects: { type: 'string' },
    workers: { type: 'string' },
    'temp-dir': { type: 'string' },
    ...RUN_FLAGS,
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'history file');
  const schemeArg = required(values.scheme, '--scheme');
  const method = oneOf(values.trim, '--trim', ['logsd', 'percentile', 'none'] as const, 'logsd');
  if (values.k !== undefined && method !== 'logsd') throw new UsageError('--k goes with --trim logsd');
  if (values.percentiles !== undefined && method !== 'percentile') throw new UsageError('--percentiles goes with --trim percentile');
  let trim: TrimSpec;
  if (method === 'logsd') trim = { method, k: positive(values.k, '--k', 3) };
  else if (method === 'percentile') {
    const text = values.percentiles ?? '2.5,97.5';
    const [lo, hi, ...rest] = numberList(text, '--percentiles');
    if (hi === undefined || rest.length > 0 || !(lo! < hi) || hi > 100) throw new UsageError(`--percentiles must be two numbers lo,hi with 0 ≤ lo < hi ≤ 100 (got ${text})`);
    const [low, high] = text.split(',').map((p) => p.trim()) as [string, string];
    trim = { method, low, high };
  } else trim = { method };
  const minCostText = values['min-cost'] ?? '5';
  const minCost = parseYuan(minCostText);
  if (minCost === undefined || minCost < 0) throw new UsageError(`--min-cost must be an amount in yuan (got ${minCostText})`);
  const yearWeights = values['year-weights'] !== undefined ? values['year-weights'].split(',').map((s) => s.trim()) : ['1', '2', '7'];
  if (yearWeights.some((w) => !/^\d+(\.\d+)?$/.test(w) || Number(w) === 0)) throw new UsageError(`--year-weights must be positive numbers, oldest year first (got ${values['year-weights']})`);
  const years = values.years !== undefined ? numberList(values.years, '--years') : undefined;
  if (years !== undefined && (years.length > yearWeights.length || years.some((y) => !Number.isInteger(y)))) throw new UsageError(`--years takes at most ${yearWeights.length} whole years (one per year weight)`);
  const rescale = oneOf<RescaleMode>(values.rescale, '--rescale', ['none', 'keep_total', 'unit'], 'none');
  const rwDecimals = positive(values['rw-decimals'], '--rw-decimals', 4, true);
  if (values.columns !== undefined) parseColumnMap(values.columns); // a bad map fails before any work
  const workers = parseWorkers(values.workers);
  const quiet = values.quiet === true;
  const started = performance.now();
  const scheme = loadSchemeSync(resolveSchemeDir(schemeArg));
  const adjust = values.adjust !== undefined ? loadAdjustments(resolve(values.adjust), scheme) : undefined;
  const out = new AtomicOutput(values.output);
  const report = values.report !== undefined ? new AtomicOutput(values.report) : undefined;
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  const source = openInput(input);
  const progress = progressFor(source, undefined, values);
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const { counts, weights, groupingMs } = await weightsFromCsv({
      scheme: schemeArg,
      loaded: scheme,
      input: source,
      ...(rejects !== undefined ? { rejects: rejects.stream } : {}),
      ...(values.columns !== undefined ? { columns: values.columns } : {}),
      workers,
      ...(values['temp-dir'] !== undefined ? { tempDir: values['temp-dir'] } : {}),
      ...(progress !== undefined ? { onProgress: (c: Counts) => progress.update(c['read'] ?? 0) } : {}),
      options: {
        trim,
        minCost,
        maxLos: positive(values['max-los'], '--max-los', 60),
        yearWeights,
        ...(years !== undefined ? { years } : {}),
        minCases: positive(values['min-cases'], '--min-cases', 5, true),
        maxCv: positive(values['max-cv'], '--max-cv', 0.7),
        rwDecimals,
        ...(adjust !== undefined ? { adjust } : {}),
        rescale,
      },
    });
    progress?.done();
    out.stream.write(formatWeightTable(weights, rwDecimals));
    if (report !== undefined) {
      report.stream.write(`${JSON.stringify(weightReport(weights, { scheme: scheme.id, rows: counts, min_cost: minCostText, year_weights: yearWeights.map((w) => new Decimal(w).toString()) }), null, 2)}\n`);
      await report.commit();
    }
    await out.commit();
    await rejects?.commit();
    if (!quiet) {
      const n = (k: string) => counts[k] ?? 0;
      const ms = performance.now() - started;
      process.stderr.write(
        `drg weights: ${n('read')} rows read = ${n('grouped')} grouped + ${n('ambiguous')} ambiguous + ${n('ungroupable')} ungroupable + ${n('invalid')} invalid + ${n('rejected')} rejected; ` +
          `grouped = ${n('spilled')} used + ${n('no_cost')} without a usable cost + ${n('no_year')} without a usable year ` +
          `(scheme ${scheme.id}, ${workers} worker${workers > 1 ? 's' : ''}, grouping ${(groupingMs / 1000).toFixed(1)} s, total ${(ms / 1000).toFixed(1)} s, ${Math.round((n('read') * 1000) / ms)} rows/s)\n`,
      );
      process.stderr.write(`${weightSummary(weights).replace(/^/gm, 'drg weights: ')}\n`);
    }
    return (counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    report?.abort();
    rejects?.abort();
    if (err instanceof RangeError) throw new FatalError(err.message);
    throw err;
  }
}

