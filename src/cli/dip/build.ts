/**
 * `drg dip build`: build a DIP directory from a history of cases.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { CaseField } from '../../case/schema.js';
import { runPipeline } from '../../bulk/pipeline.js';
import { readTable } from '../../csv/table.js';
import { IssueList } from '../../errors.js';
import { csvLine } from '../../io/csv.js';
import { readJson } from '../../json/read.js';
import { DipBuildJob, exclusionMessage, type DipBuildJobSpec } from '../../jobs/dip-build.js';
import { REJECTS_HEADER } from '../../jobs/group.js';
import { Decimal, formatYuan, parseYuan, roundFen } from '../../money.js';
import { resolveSchemeDir } from '../../paths.js';
import { parseTrim, type TrimSpec } from '../../../weights/dip-scores.js';
import { type BuiltDirectory, type CodeType, DirectoryBuilder, type ExclusionReason } from '../../../groupers/dip/build.js';
import { buildParamsSchema, type BuildParams, procedureTypeRow } from '../../../groupers/dip/format.js';
import { writeDirectory } from '../../../groupers/dip/write.js';
import { readPackage } from '../../../groupers/chs-drg/load.js';
import { onePositional, required } from '../args.js';
import { EXIT, FatalError, UsageError } from '../errors.js';
import { AtomicOutput, openInput } from '../files.js';
import { progressFor } from '../progress.js';
import { CASE_FILE_OPTIONS, columnsOf, parseCommand } from './common.js';

export const usage = `Usage: drg dip build <history.csv|-> -o <folder> [options]

Build a DIP directory from a history of cases (canonical case header with
total_cost, and discharge_date or a year column; optional hospital_level and
icu_days). Combinations of principal-diagnosis subcategory and key procedures
with at least --min-cases cases become core groups; the rest go to
comprehensive groups by category and procedure type. Scores are
RW = m / M × multiplier over yearly means weighted 1:2:7.

Procedure types (surgery / therapeutic / diagnostic) come from --scheme (its
operating-room list counts as surgery, the rest as therapeutic) and/or
--procedure-types (a proc_code,type table, which wins). One is required.

Options:
  -o, --output <folder>      the directory folder to write (must not exist, unless --force)
  --scheme <dir|name>        CHS-DRG scheme whose operating-room list types surgery
  --procedure-types <file>   CSV proc_code,type (surgery|therapeutic|diagnostic)
  --min-cases <n>            cases a combination needs to be a core group (default 15)
  --year-weights <w,w,w>     weights of the years, oldest first (default 1,2,7)
  --multiplier <n>           RW = m / M × n (default 1000)
  --score-decimals <n>       decimals of scores (default 2)
  --trim <rule>              none (default), log-sd:<k> (e.g. log-sd:3), pct:<p> or pct:<lo>-<hi>
  --max-los <days>           leave out stays longer than this
  --min-cost <yuan>          leave out cases costing less than this
  --params <file.json>       title, deviation, case_score_decimals, procedures
                             (default_type, key_types) and auxiliary subtypes
  --subtype-min-cases <n>    cases a subtype needs in a group (default 10)
  --subtype-min-cv-cut <x>   how much a group's subtypes must cut its CV (default 0.05)
  --no-hospital-coefficients do not compute hospital-level coefficients
  --columns <map>            map other header names onto the canonical fields
  --rejects <file>           write unused rows (line, reason, message, raw)
  --force                    replace an existing output folder
  --progress, -q/--quiet, -h/--help

Exit codes: 0 done; 1 fatal error (nothing is written); 2 bad command line;
3 done, but some rows were malformed, invalid or excluded (see --rejects).`;

function positiveInt(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} must be a whole number ≥ 1 (got ${v})`);
  return Number(v);
}

function nonNegNumber(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`${flag} must be a non-negative number (got ${v})`);
  return Number(v);
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      ...CASE_FILE_OPTIONS,
      output: { type: 'string', short: 'o' },
      scheme: { type: 'string' },
      'procedure-types': { type: 'string' },
      'min-cases': { type: 'string' },
      'year-weights': { type: 'string' },
      multiplier: { type: 'string' },
      'score-decimals': { type: 'string' },
      trim: { type: 'string' },
      'max-los': { type: 'string' },
      'min-cost': { type: 'string' },
      params: { type: 'string' },
      'subtype-min-cases': { type: 'string' },
      'subtype-min-cv-cut': { type: 'string' },
      'no-hospital-coefficients': { type: 'boolean' },
      force: { type: 'boolean' },
    },
    usage,
  );
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'history file');
  const target = resolve(required(values.output, '--output'));
  if (values.scheme === undefined && values['procedure-types'] === undefined) {
    throw new UsageError('give --scheme (its operating-room list types surgery) and/or --procedure-types <file>: procedure types decide core combinations and comprehensive groups');
  }
  if (existsSync(target) && !values.force && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    throw new UsageError(`${values.output} exists: choose a new folder, or --force to replace it`);
  }
  if (!existsSync(dirname(target))) throw new FatalError(`cannot write ${values.output}: folder ${dirname(target)} does not exist`);
  const yearWeights = values['year-weights']?.split(',').map((w) => w.trim()) ?? ['1', '2', '7'];
  if (yearWeights.some((w) => !/^\d+(\.\d+)?$/.test(w) || Number(w) <= 0)) throw new UsageError(`--year-weights must be positive numbers separated by commas, oldest year first (got ${values['year-weights']})`);
  let trim: TrimSpec = { kind: 'none' };
  if (values.trim !== undefined) {
    const t = parseTrim(values.trim);
    if (typeof t === 'string') throw new UsageError(`--trim: ${t}`);
    trim = t;
  }
  const minCostYuan = values['min-cost'];
  const minCost = minCostYuan === undefined ? undefined : parseYuan(minCostYuan);
  if (minCost === undefined && minCostYuan !== undefined) throw new UsageError(`--min-cost must be an amount in yuan (got ${minCostYuan})`);
  const scoreDecimals = values['score-decimals'] === undefined ? 2 : Number(values['score-decimals']);
  if (!/^[0-6]$/.test(values['score-decimals'] ?? '2')) throw new UsageError(`--score-decimals must be 0 to 6 (got ${values['score-decimals']})`);
  const columns = columnsOf(values.columns);
  const quiet = values.quiet === true;
  const started = performance.now();

  // Procedure types: the scheme's operating-room list (surgery), then the user's table.
  const issues = new IssueList();
  const types = new Map<string, CodeType>();
  if (values.scheme !== undefined) {
    const pkg = readPackage(resolveSchemeDir(values.scheme));
    for (const r of pkg.rows['or_valid_procedures.csv']) types.set(r.row.proc_code.toUpperCase(), 'surgery');
  }
  if (values['procedure-types'] !== undefined) {
    const path = values['procedure-types'];
    for (const r of readTable(path, procedureTypeRow, issues, { displayName: basename(path) })) types.set(r.row.proc_code.toUpperCase(), r.row.type);
  }
  let params: BuildParams = {};
  if (values.params !== undefined) params = readJson(values.params, buildParamsSchema, issues, { displayName: basename(values.params), code: 'params.invalid' }) ?? {};
  issues.throwIfAny('cannot build the directory');

  const builder = new DirectoryBuilder({
    minCases: positiveInt(values['min-cases'], '--min-cases', 15),
    multiplier: positiveInt(values.multiplier, '--multiplier', 1000),
    scoreDecimals,
    yearWeights: yearWeights.map(Number),
    trim,
    maxLos: nonNegNumber(values['max-los'], '--max-los'),
    minCost,
    procedureTypes: types,
    defaultType: params.procedures?.default_type ?? 'therapeutic',
    keyTypes: params.procedures?.key_types ?? ['surgery'],
    auxiliary: params.auxiliary,
    subtypeMinCases: positiveInt(values['subtype-min-cases'], '--subtype-min-cases', 10),
    subtypeMinCvCut: nonNegNumber(values['subtype-min-cv-cut'], '--subtype-min-cv-cut') ?? 0.05,
    hospitalCoefficients: values['no-hospital-coefficients'] !== true,
    params: {
      ...(params.title !== undefined ? { title: params.title } : {}),
      ...(params.deviation !== undefined ? { deviation: params.deviation } : {}),
      ...(params.case_score_decimals !== undefined ? { case_score_decimals: params.case_score_decimals } : {}),
    },
  });

  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  const nowhere = new Writable({ write: (_chunk, _enc, done) => done() });
  const temp = `${target}.partial-${process.pid}`;
  try {
    rejects?.stream.write(REJECTS_HEADER);
    const result = await runPipeline<DipBuildJobSpec>({
      input: source,
      output: nowhere,
      rejects: rejects?.stream,
      workers: 1,
      makeSpec: (header, newline) => {
        const spec: DipBuildJobSpec = { kind: 'dip-build', header, newline, columns: columns as [string, CaseField][] };
        new DipBuildJob(spec, builder, false); // validates the header before any work starts
        return spec;
      },
      makeLocalJob: (spec) => new DipBuildJob(spec, builder, rejects !== undefined),
      onProgress: progress !== undefined ? (c) => progress.update(c['read'] ?? 0) : undefined,
    });
    progress?.done();
    const built = builder.finish();
    const counts = { ...result.counts };
    counts['used']! -= built.lateExclusions.length;
    counts['excluded']! += built.lateExclusions.length;
    if (rejects !== undefined) for (const x of built.lateExclusions) rejects.stream.write(csvLine([String(x.handle), x.reason, `line ${x.handle}: ${exclusionMessage(x.reason)}`, '']));
    rmSync(temp, { recursive: true, force: true });
    writeDirectory(built, temp);
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(temp, target);
    await rejects?.commit();
    if (!quiet) process.stderr.write(buildSummary(counts, built, values.output!, performance.now() - started, values.rejects));
    return counts['rejected']! + counts['invalid']! + counts['excluded']! > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    rejects?.abort();
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

function buildSummary(c: Record<string, number>, b: BuiltDirectory, out: string, ms: number, rejectsPath: string | undefined): string {
  const n = (k: string) => c[k] ?? 0;
  const reasons = [...b.excluded].sort((x, y) => y[1] - x[1]).map(([r, k]: [ExclusionReason, number]) => `${k} ${r}`);
  const kinds = new Map<string, number>();
  for (const g of b.groups) kinds.set(g.kind, (kinds.get(g.kind) ?? 0) + 1);
  const cvs = b.report.filter((r) => r.kept >= 2).map((r) => r.cv).sort((x, y) => x - y);
  const median = cvs.length > 0 ? cvs[Math.floor(cvs.length / 2)]! : 0;
  const over = cvs.filter((v) => v > 1).length;
  const lines = [
    `drg dip build: ${n('read')} rows read = ${n('used')} used + ${n('excluded')} excluded${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''} + ${n('invalid')} invalid + ${n('rejected')} rejected${rejectsPath !== undefined ? ` (see ${rejectsPath})` : ''}${n('blank') > 0 ? `; ${n('blank')} blank lines skipped` : ''}`,
    `  years ${b.years.join(', ')}; ${b.groups.length} groups: ${kinds.get('core-surgical') ?? 0} core surgical, ${kinds.get('core-conservative') ?? 0} core conservative, ${kinds.get('comprehensive') ?? 0} comprehensive; coverage ${(b.coverage * 100).toFixed(1)} % of cases in core groups`,
    `  overall mean cost M = ${formatYuan(roundFen(b.overallMean))} yuan; budget point value ${b.pointValue.toFixed()} yuan per point; ${b.trimmed} cases trimmed`,
    `  within-group CV: median ${new Decimal(median).toFixed(3)}, ${over} of ${cvs.length} groups above 1; ${b.subtypes.length} subtype coefficients${b.hospitalCoefficients.size > 0 ? `; hospital coefficients ${[...b.hospitalCoefficients].map(([l, k]) => `level ${l} ${k.toFixed()}`).join(', ')}` : ''}`,
    `  written to ${out} (${(ms / 1000).toFixed(1)} s)`,
  ];
  return `${lines.join('\n')}\n`;
}
