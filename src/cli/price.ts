/**
 * `drg price`: group every case of a CSV file and price it under a region's
 * payment policy and weight table — standard, outlier class, payment, fund
 * payment — streamed through worker threads like `drg group`.
 */
import { resolve } from 'node:path';
import type { CaseDecoder } from '../case/decode.js';
import type { Counts } from '../bulk/job.js';
import { formatYuan } from '../money.js';
import { PRICE_REJECTS_HEADER } from '../jobs/price.js';
import { priceCsv } from '../payment/bulk.js';
import { loadPolicy } from '../payment/policy.js';
import { OUTLIER_CLASSES } from '../payment/types.js';
import { resolveSchemeDir } from '../paths.js';
import { readManifest } from '../../groupers/chs-drg/load.js';
import { HELP_FLAG, onePositional, OUTPUT_FLAG, parseCommand, required, RUN_FLAGS } from './args.js';
import { EXIT } from './errors.js';
import { AtomicOutput, openInput } from './files.js';
import { parseWorkers } from './group.js';
import { progressFor } from './progress.js';

export const usage = `Usage: drg price --scheme <dir|name> --weights <table.csv> --policy <policy.json> <cases.csv|-> [options]

Group every case and price it under a region's DRG payment policy: the payment
standard (RW × rate × hospital coefficient, or points), the outlier class
(normal, high, low, ungroupable, long_stay, special_review), the payment, and
the fund payment (payment − patient policy share) when the share is given.
Output rows come in input order, byte-identical for any number of workers.

Input: the canonical case CSV (see drg group --help) with total_cost, and for
coefficients and per-level terms hospital_id / hospital_level; optionally a
patient policy share column (yuan) and a special-review flag column
(1/0, yes/no, true/false).

Options:
  --scheme <dir|name>     scheme package folder or name (e.g. chs-drg-1.1)
  --weights <file>        weight table CSV (drg,rw[,level,mean_cost,mean_los,points,…])
  --policy <file>         region payment policy JSON
  -o, --output <file>     output file (default: standard output); written atomically
  --trace                 add a trace column: the terms, the rule that fired, the formula paid
  --share-column <name>   patient policy share column (default: patient_share, when present)
  --review-column <name>  special-review flag column (default: special_review, when present)
  --columns <map>         map other header names onto the canonical fields (see drg group)
  --rejects <file>        write malformed rows here instead of as unpriced rows
  --workers <n>           worker threads (default: available cores); 1 runs in-process
  --progress              show a progress line even when standard error is not a terminal
  -q, --quiet             no notes, no progress, no summary
  -h, --help              this text

Exit codes: 0 done; 1 fatal error (no output file is left); 2 bad command line;
3 done, but some rows were malformed and went to the rejects file.`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    scheme: { type: 'string' },
    weights: { type: 'string' },
    policy: { type: 'string' },
    ...OUTPUT_FLAG,
    trace: { type: 'boolean' },
    'share-column': { type: 'string' },
    'review-column': { type: 'string' },
    columns: { type: 'string' },
    rejects: { type: 'string' },
    workers: { type: 'string' },
    ...RUN_FLAGS,
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'cases file');
  const scheme = required(values.scheme, '--scheme');
  const weights = required(values.weights, '--weights');
  const policyPath = required(values.policy, '--policy');
  const workers = parseWorkers(values.workers);
  const quiet = values.quiet === true;
  const started = performance.now();
  // The policy is small: read it here for its name (and to fail before any work).
  const policy = loadPolicy(resolve(policyPath));
  const schemeId = readManifest(resolveSchemeDir(scheme)).id;

  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(PRICE_REJECTS_HEADER);
    const { counts, missingWeights } = await priceCsv({
      scheme,
      weights,
      policy: policyPath,
      input: source,
      output: out.stream,
      ...(rejects !== undefined ? { rejects: rejects.stream } : {}),
      trace: values.trace === true,
      ...(values['share-column'] !== undefined ? { shareColumn: values['share-column'] } : {}),
      ...(values['review-column'] !== undefined ? { reviewColumn: values['review-column'] } : {}),
      ...(values.columns !== undefined ? { columns: values.columns } : {}),
      workers,
      onHeader: (decoder, extra) => {
        if (!quiet) noteColumns(decoder, extra);
      },
      ...(progress !== undefined ? { onProgress: (c: Counts) => progress.update(c['read'] ?? 0) } : {}),
    });
    progress?.done();
    await out.commit();
    await rejects?.commit();
    if (!quiet) {
      const drgs = Object.keys(missingWeights).sort();
      if (drgs.length > 0) {
        const cases = drgs.reduce((a, d) => a + missingWeights[d]!, 0);
        process.stderr.write(`drg price: note: ${cases} case${cases > 1 ? 's' : ''} in ${drgs.length} DRG${drgs.length > 1 ? 's' : ''} without a weight were paid as ungroupable: ${drgs.slice(0, 10).map((d) => `${d} (${missingWeights[d]})`).join(', ')}${drgs.length > 10 ? ', …' : ''}\n`);
      }
      process.stderr.write(`${priceSummary(counts, schemeId, policy.name, performance.now() - started, values.rejects, workers)}\n`);
    }
    return (counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    rejects?.abort();
    throw err;
  }
}

function noteColumns(d: CaseDecoder, extra: readonly string[]): void {
  const used = new Set(extra.map((e) => e.toLowerCase()));
  const ignored = d.ignored.filter((c) => !used.has(c.trim().toLowerCase()));
  if (ignored.length > 0) process.stderr.write(`drg price: note: ignoring column${ignored.length > 1 ? 's' : ''} ${ignored.join(', ')}\n`);
  if (!d.fields.includes('total_cost')) process.stderr.write('drg price: note: no total_cost column: no case can be priced\n');
}

/** The summary line; counts reconcile: read = Σ classes + unpriced + rejected. */
export function priceSummary(c: Counts, schemeId: string, policyName: string, ms: number, rejectsPath?: string, workers = 1): string {
  const n = (k: string) => c[k] ?? 0;
  const parts = OUTLIER_CLASSES.map((k) => `${n(k)} ${k}`);
  parts.push(`${n('unpriced')} unpriced`);
  if (rejectsPath !== undefined) parts.push(`${n('rejected')} rejected${n('rejected') > 0 ? ` (see ${rejectsPath})` : ''}`);
  const rate = ms > 0 ? Math.round((n('read') * 1000) / ms) : 0;
  const blank = n('blank') > 0 ? `; ${n('blank')} blank line${n('blank') > 1 ? 's' : ''} skipped` : '';
  const review = n('review_flagged') > 0 ? `; ${n('review_flagged')} flagged for special review` : '';
  return `drg price: ${n('read')} rows read = ${parts.join(' + ')}${blank}${review}; payments ${formatYuan(n('payment_fen'))} yuan, fund ${formatYuan(n('fund_fen'))} yuan (scheme ${schemeId}, policy "${policyName}", ${workers} worker${workers > 1 ? 's' : ''}, ${(ms / 1000).toFixed(1)} s, ${rate} rows/s)`;
}
