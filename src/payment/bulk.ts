/**
 * Bulk payment for programs, without the CLI (the CLI is a thin layer over
 * these):
 *
 * - `priceCsv`: a case CSV in, priced cases out (CSV), on worker threads,
 *   counts reconciled as `drg price` prints them;
 * - `settleCsv`: priced cases in, hospital settlement out (see hospitals.ts).
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { CaseDecoder, HeaderError, parseColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, Counts } from '../bulk/job.js';
import { runPipeline } from '../bulk/pipeline.js';
import { csvLine } from '../io/csv.js';
import { HospitalsJob, zeroSettleCounts, type HospitalsJobSpec } from '../jobs/hospitals.js';
import { PriceJob, priceColumns, zeroPriceCounts, type MissingWeights, type PriceJobSpec } from '../jobs/price.js';
import { resolveSchemeDir } from '../paths.js';
import { loadSchemeSync, type CompiledScheme } from '../../groupers/chs-drg/index.js';
import { loadWeightRows, loadWeightTable, type WeightTable } from '../../weights/table.js';
import { emptyParts, settleHospitals, type SettleOptions, type Settlement, type SettlementParts } from './hospitals.js';
import { loadPolicy, type Policy } from './policy.js';

const source = (input: string | Readable): Readable => (typeof input === 'string' ? createReadStream(input, { highWaterMark: 1 << 20 }) : input);
const onPool = (head: string): BatchJob => ({
  head: () => head,
  run: () => {
    throw new Error('batches run on the worker pool');
  },
});

export interface PriceCsvOptions {
  /** Scheme name or folder, weight table and policy files. */
  readonly scheme: string;
  readonly weights: string;
  readonly policy: string;
  /** A case CSV path or a readable stream of bytes. */
  readonly input: string | Readable;
  readonly output: Writable;
  /** Malformed rows go here (line, reason, message, raw) instead of the output. */
  readonly rejects?: Writable;
  readonly trace?: boolean;
  /** Patient policy share column (default `patient_share` when the header has it). */
  readonly shareColumn?: string;
  /** Special-review flag column (default `special_review` when the header has it). */
  readonly reviewColumn?: string;
  /** A `--columns` map, e.g. `settlement-list`. */
  readonly columns?: string;
  /** Worker threads (default 1: in-process). */
  readonly workers?: number;
  /** Scheme, table and policy already loaded in this thread (used when running in-process). */
  readonly loaded?: { readonly scheme: CompiledScheme; readonly weights: WeightTable; readonly policy: Policy };
  /** Called once with the input's decoder and the extra columns used (for notes about ignored columns). */
  readonly onHeader?: (decoder: CaseDecoder, extra: readonly string[]) => void;
  readonly onProgress?: (counts: Counts) => void;
}

/**
 * Price a whole CSV stream. Resolves with counts that reconcile
 * (read = classes + unpriced + rejected; payment_fen and fund_fen are totals)
 * and the DRGs met without a weight, with their case counts.
 */
export async function priceCsv(o: PriceCsvOptions): Promise<{ counts: Counts; missingWeights: MissingWeights }> {
  const workers = o.workers ?? 1;
  const schemeDir = resolveSchemeDir(o.scheme);
  const weightsPath = resolve(o.weights);
  const policyPath = resolve(o.policy);
  const policy = o.loaded?.policy ?? loadPolicy(policyPath);
  let loaded = o.loaded;
  if (loaded === undefined && workers <= 1) {
    const scheme = loadSchemeSync(schemeDir);
    loaded = { scheme, weights: loadWeightTable(weightsPath, { scheme }), policy };
  }
  // Workers check the table against the scheme; its own format is checked here, before any work, and the
  // workers get the rows validated here instead of reading and validating the file once each.
  const weightRows = loaded === undefined ? loadWeightRows(weightsPath).rows : undefined;
  const columns = o.columns !== undefined ? [...parseColumnMap(o.columns)] : [];
  const result = await runPipeline<PriceJobSpec>({
    input: source(o.input),
    output: o.output,
    rejects: o.rejects,
    workers,
    workerHeapMb: 128,
    makeSpec: (header, newline) => {
      const has = (name: string) => header.some((h) => h.trim().toLowerCase() === name.toLowerCase());
      const pick = (given: string | undefined, fallback: string): string | null => {
        if (given === undefined) return has(fallback) ? fallback : null;
        if (!has(given)) throw new HeaderError(`column "${given}" is not in the header (header has: ${header.join(', ')})`);
        return given;
      };
      const spec: PriceJobSpec = {
        kind: 'price',
        scheme: schemeDir,
        weights: weightsPath,
        ...(weightRows !== undefined ? { weightRows } : {}),
        policy: policyPath,
        trace: o.trace === true,
        rejects: o.rejects !== undefined,
        header,
        newline,
        columns: columns as [string, CaseField][],
        shareColumn: pick(o.shareColumn, 'patient_share'),
        reviewColumn: pick(o.reviewColumn, 'special_review'),
      };
      const decoder = new CaseDecoder(header, new Map(spec.columns)); // validates the header before any work starts
      o.onHeader?.(decoder, [spec.shareColumn, spec.reviewColumn].filter((c): c is string => c !== null));
      return spec;
    },
    makeLocalJob: (spec) => (loaded !== undefined ? new PriceJob(spec, loaded) : onPool(csvLine(priceColumns(policy.method, spec.trace)))),
    onProgress: o.onProgress !== undefined ? (c) => o.onProgress!(c) : undefined,
  });
  return { counts: { ...zeroPriceCounts(), ...result.counts }, missingWeights: (result.aggregate as MissingWeights | undefined) ?? {} };
}

export interface SettleCsvOptions extends SettleOptions {
  readonly policy: Policy;
  /** Priced cases (the output of `priceCsv` / `drg price`): a path or a readable stream. */
  readonly input: string | Readable;
  /** Rows that cannot be settled go here (line, reason, message, raw). */
  readonly rejects?: Writable;
  /** Worker threads (default 1). */
  readonly workers?: number;
  readonly onProgress?: (counts: Counts) => void;
}

/**
 * Settle hospitals from priced cases. Counts reconcile:
 * read = settled + unpriced + unsettled + rejected.
 */
export async function settleCsv(o: SettleCsvOptions): Promise<{ counts: Counts; settlement: Settlement }> {
  const workers = o.workers ?? 1;
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const result = await runPipeline<HospitalsJobSpec>({
    input: source(o.input),
    output: sink,
    rejects: o.rejects,
    workers,
    makeSpec: (header, newline) => {
      const spec: HospitalsJobSpec = { kind: 'hospitals', points: o.policy.method === 'points', header, newline };
      new HospitalsJob(spec); // checks the header before any work starts
      return spec;
    },
    makeLocalJob: (spec) => (workers <= 1 ? new HospitalsJob(spec) : onPool('')),
    onProgress: o.onProgress !== undefined ? (c) => o.onProgress!(c) : undefined,
  });
  const parts = (result.aggregate as SettlementParts | undefined) ?? emptyParts();
  return { counts: { ...zeroSettleCounts(), ...result.counts }, settlement: settleHospitals(parts, o.policy, o) };
}
