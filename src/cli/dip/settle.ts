/**
 * `drg dip settle`: point values and hospital settlement for a year of cases.
 */
import { basename, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { CaseDecoder } from '../../case/decode.js';
import type { CaseField } from '../../case/schema.js';
import type { BatchJob } from '../../bulk/job.js';
import { runPipeline } from '../../bulk/pipeline.js';
import { csvLine } from '../../io/csv.js';
import { dipGroupHead, type DipGroupJobSpec } from '../../jobs/dip-group.js';
import { DipSettleJob, type DipSettleJobSpec, type SettleAggregate, settlementCells } from '../../jobs/dip-settle.js';
import { REJECTS_HEADER } from '../../jobs/group.js';
import { Decimal, formatYuan, roundFen } from '../../money.js';
import { readSettlementPolicy } from '../../payment/dip/policy.js';
import { type SettlementResult, settleYear } from '../../payment/dip/settle.js';
import { directorySnapshot, loadDirectorySync } from '../../../groupers/dip/index.js';
import { onePositional, required } from '../args.js';
import { EXIT, FatalError } from '../errors.js';
import { AtomicOutput, openInput } from '../files.js';
import { parseWorkers } from '../group.js';
import { progressFor } from '../progress.js';
import { CASE_FILE_OPTIONS, columnsOf, dipSummary, parseCommand, parsePointValue } from './common.js';

export const usage = `Usage: drg dip settle --directory <dir> --policy <policy.json> <cases.csv|-> [options]

Score a year of cases under a DIP directory (as drg dip group does) and settle
each hospital: settlement point value per pool = (fund budget / fund payment
ratio) / total scores; hospital amount = Σ(scores × point value × fund payment
ratio) × assessment coefficient − deductions; monthly advances and clearing.

Cases need hospital_id and discharge_date (the month); optional columns:
insured_type (the pool, when the policy has several) and fund_paid (yuan, for
pools whose fund payment ratio is computed from the cases).

Options:
  --directory <dir>     DIP directory folder
  --policy <file>       settlement policy (JSON, see README)
  -o, --output <file>   per-hospital settlement (default: standard output)
  --advances <file>     monthly advances per hospital and month
  --review <file>       extreme-deviation cases, ranked, with those within the special-review cap
  --cases <file>        the scored cases (drg dip group output)
  --point-value <pv>    point value for standard costs (default: the directory's)
  --columns <map>       map other header names onto the canonical fields
  --rejects <file>      malformed rows, and scored cases that cannot be settled
  --workers <n>         worker threads (default: available cores); 1 runs in-process
  --progress, -q/--quiet, -h/--help

Exit codes: 0 done; 1 fatal error (no output file is left); 2 bad command line;
3 done, but some rows went to the rejects file.`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, { ...CASE_FILE_OPTIONS, directory: { type: 'string' }, policy: { type: 'string' }, output: { type: 'string', short: 'o' }, advances: { type: 'string' }, review: { type: 'string' }, cases: { type: 'string' }, 'point-value': { type: 'string' }, workers: { type: 'string' } }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'cases file');
  const dir = resolve(required(values.directory, '--directory'));
  const policyPath = resolve(required(values.policy, '--policy'));
  const pointValue = parsePointValue(values['point-value']);
  const columns = columnsOf(values.columns);
  const workers = parseWorkers(values.workers);
  const quiet = values.quiet === true;
  const started = performance.now();
  const directory = loadDirectorySync(dir); // also checks it before workers start
  const policy = readSettlementPolicy(policyPath, basename(policyPath));

  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const files = {
    advances: values.advances !== undefined ? new AtomicOutput(values.advances) : undefined,
    review: values.review !== undefined ? new AtomicOutput(values.review) : undefined,
    cases: values.cases !== undefined ? new AtomicOutput(values.cases) : undefined,
    rejects: values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined,
  };
  const nowhere = new Writable({ write: (_chunk, _enc, done) => done() });
  try {
    files.rejects?.stream.write(REJECTS_HEADER);
    const result = await runPipeline<DipSettleJobSpec>({
      input: source,
      output: files.cases?.stream ?? nowhere,
      rejects: files.rejects?.stream,
      workers,
      workerHeapMb: 160,
      makeSpec: (header, newline) => {
        // Worker threads restore the directory compiled here instead of loading the folder each.
        const group: DipGroupJobSpec = { kind: 'dip-group', directory: dir, format: 'csv', trace: false, rejects: files.rejects !== undefined, header, columns: columns as [string, CaseField][], newline, pointValue, ...(workers > 1 ? { compiled: directorySnapshot(directory) } : {}) };
        new CaseDecoder(header, new Map(group.columns)); // validates the header before any work starts
        return { kind: 'dip-settle', group, policy: policyPath, header, newline };
      },
      makeLocalJob: (spec): BatchJob => (workers <= 1 ? new DipSettleJob(spec, { policy, directory }) : { head: () => dipGroupHead(spec.group), run: () => { throw new Error('batches run on the worker pool'); } }),
      onProgress: progress !== undefined ? (c) => progress.update(c['read'] ?? 0) : undefined,
    });
    progress?.done();
    const agg = (result.aggregate as SettleAggregate | undefined) ?? { cells: {}, review: [], unsettled: {} };
    let settled: SettlementResult;
    try {
      settled = settleYear({ cells: settlementCells(agg), scoreDecimals: directory.params.case_score_decimals, directoryPointValue: directory.pointValue, review: agg.review }, policy);
    } catch (err) {
      if (err instanceof RangeError) throw new FatalError(`${basename(policyPath)}: ${err.message}`);
      throw err;
    }
    out.stream.write(hospitalsCsv(settled));
    files.advances?.stream.write(advancesCsv(settled));
    files.review?.stream.write(reviewCsv(settled));
    await out.commit();
    for (const f of Object.values(files)) await f?.commit();
    if (!quiet) {
      process.stderr.write(`${dipSummary('drg dip settle', result.counts, dir, performance.now() - started, values.rejects, workers)}\n`);
      process.stderr.write(settleSummary(settled, agg));
    }
    const unsettled = Object.values(agg.unsettled).reduce((a, b) => a + b, 0);
    return (result.counts['rejected'] ?? 0) > 0 || (files.rejects !== undefined && unsettled > 0) ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    for (const f of Object.values(files)) f?.abort();
    throw err;
  }
}

const yuan = (fen: number) => formatYuan(fen);

export function hospitalsCsv(s: SettlementResult): string {
  let text = csvLine(['hospital_id', 'cases', 'scores', 'gross', 'assessment_coefficient', 'deductions', 'settlement', 'advances', 'clearing', 'in_policy']);
  for (const h of s.hospitals) {
    text += csvLine([h.hospital, String(h.cases), h.scores.toFixed(), yuan(roundFen(h.gross)), h.assessmentCoefficient.toFixed(), yuan(h.deductions), yuan(h.settlement), yuan(h.advances), yuan(h.clearing), h.defaulted ? 'no' : 'yes']);
  }
  return text;
}

export function advancesCsv(s: SettlementResult): string {
  let text = csvLine(['hospital_id', 'month', 'cases', 'scores', 'advance']);
  for (const a of s.advances) text += csvLine([a.hospital, a.month, String(a.cases), a.scores.toFixed(), yuan(a.advance)]);
  return text;
}

export function reviewCsv(s: SettlementResult): string {
  let text = csvLine(['id', 'line', 'hospital_id', 'group', 'cost', 'standard', 'ratio', 'selected']);
  for (const r of s.review.candidates) text += csvLine([r.id, String(r.line), r.hospital, r.group, yuan(r.cost), yuan(r.standard), r.ratio.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4), r.selected ? 'yes' : 'no']);
  return text;
}

function settleSummary(s: SettlementResult, agg: SettleAggregate): string {
  const lines: string[] = [];
  for (const p of s.pools) {
    lines.push(
      `  pool ${p.name}: ${p.cases} cases, ${p.scores.toFixed()} scores, cost ${yuan(p.cost)}; fund payment ratio ${p.fundPaymentRatio.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed()} (${p.ratioSource === 'policy' ? 'policy' : 'from fund_paid'}); budget point value ${p.budgetPointValue.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed()}; settlement point value ${p.settlementPointValue.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed()}`,
    );
  }
  const sum = (f: (h: SettlementResult['hospitals'][number]) => number) => s.hospitals.reduce((a, h) => a + f(h), 0);
  const defaulted = s.hospitals.filter((h) => h.defaulted).length;
  lines.push(
    `  ${s.hospitals.length} hospitals: settlement ${yuan(sum((h) => h.settlement))}, advances ${yuan(sum((h) => h.advances))}, clearing ${yuan(sum((h) => h.clearing))}${defaulted > 0 ? `; ${defaulted} not in the policy (assessment coefficient default, no deductions)` : ''}`,
  );
  const selected = s.review.candidates.filter((c) => c.selected).length;
  lines.push(`  special review: ${s.review.candidates.length} extreme cases flagged, cap ${s.review.cap} (of ${s.review.cases} cases), ${selected} selected`);
  const unsettled = Object.entries(agg.unsettled);
  if (unsettled.length > 0) lines.push(`  not settled (scored, but): ${unsettled.map(([k, v]) => `${v} ${k}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
