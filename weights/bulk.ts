/**
 * Weights from a history CSV, for programs (the `drg weights` CLI is a thin
 * layer over this): group the history on worker threads, spill 16 bytes per
 * usable case to a temporary file, compute the weights from the spill, and
 * delete it. Memory does not grow with the history.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CaseDecoder, HeaderError, parseColumnMap } from '../src/case/decode.js';
import type { CaseField } from '../src/case/schema.js';
import type { BatchJob, Counts } from '../src/bulk/job.js';
import { runPipeline } from '../src/bulk/pipeline.js';
import { spillDrgs, WeightsJob, zeroWeightCounts, type WeightsJobSpec } from '../src/jobs/weights.js';
import { resolveSchemeDir } from '../src/paths.js';
import { loadSchemeSync, type CompiledScheme } from '../groupers/chs-drg/index.js';
import { computeWeights, type WeightOptions, type WeightResult } from './compute.js';
import { historyFromSpill } from './history.js';

export interface WeightsCsvOptions {
  /** Scheme name or folder (or `loaded`). */
  readonly scheme: string;
  readonly loaded?: CompiledScheme;
  /** History CSV: a path or a readable stream of bytes (canonical cases with total_cost and a year). */
  readonly input: string | Readable;
  /** Weight options (trimming, years, flags…); `scheme` and `grouping` are filled in here. */
  readonly options?: Omit<WeightOptions, 'scheme' | 'grouping'>;
  readonly rejects?: Writable;
  readonly columns?: string;
  /** Worker threads for grouping (default 1). */
  readonly workers?: number;
  /** Folder of the temporary spill file (default: the system temp folder). */
  readonly tempDir?: string;
  readonly onProgress?: (counts: Counts) => void;
}

/**
 * Counts reconcile: read = grouped + ambiguous + ungroupable + invalid +
 * rejected, and grouped = spilled + no_cost + no_year. `groupingMs` is the
 * time of the grouping pass.
 */
export async function weightsFromCsv(o: WeightsCsvOptions): Promise<{ counts: Counts; weights: WeightResult; groupingMs: number }> {
  const started = performance.now();
  const workers = o.workers ?? 1;
  const schemeDir = resolveSchemeDir(o.scheme);
  // The scheme is needed here anyway (names, MDCs, DRG numbering); workers load their own.
  const scheme = o.loaded ?? loadSchemeSync(schemeDir);
  const columns = o.columns !== undefined ? [...parseColumnMap(o.columns)] : [];
  const temp = mkdtempSync(join(o.tempDir ?? tmpdir(), 'drg-weights-'));
  try {
    const spillPath = join(temp, 'history.bin');
    const spill = createWriteStream(spillPath);
    const result = await runPipeline<WeightsJobSpec>({
      input: typeof o.input === 'string' ? createReadStream(o.input, { highWaterMark: 1 << 20 }) : o.input,
      output: spill,
      rejects: o.rejects,
      workers,
      workerHeapMb: 128,
      makeSpec: (header, newline) => {
        const decoder = new CaseDecoder(header, new Map(columns)); // validates the header before any work starts
        const hasYear = header.some((h) => h.trim().toLowerCase() === 'year');
        if (!hasYear && !decoder.fields.includes('discharge_date')) throw new HeaderError(`the history needs a year: a "year" column or discharge_date (header has: ${header.join(', ')})`);
        if (!decoder.fields.includes('total_cost')) throw new HeaderError(`the history needs total_cost (header has: ${header.join(', ')})`);
        return { kind: 'weights', scheme: schemeDir, columns: columns as [string, CaseField][], yearColumn: hasYear ? 'year' : null, rejects: o.rejects !== undefined, header, newline };
      },
      makeLocalJob: (spec): BatchJob =>
        workers <= 1
          ? new WeightsJob(spec, { scheme })
          : {
              head: () => '',
              run: () => {
                throw new Error('batches run on the worker pool');
              },
            },
      onProgress: o.onProgress !== undefined ? (c) => o.onProgress!(c) : undefined,
    });
    spill.end();
    await finished(spill);
    const counts: Counts = { ...zeroWeightCounts(), ...result.counts };
    const groupingMs = performance.now() - started;
    const weights = computeWeights(historyFromSpill(spillPath, spillDrgs(scheme)), { ...o.options, scheme, grouping: { read: counts['read']!, grouped: counts['grouped']! } });
    return { counts, weights, groupingMs };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
