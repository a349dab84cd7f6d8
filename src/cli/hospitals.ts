/**
 * `drg hospitals`: settle hospitals from priced cases (the output of
 * `drg price`): per hospital and period the indicators (CMI, time and cost
 * indices), payments by outlier class, the fund amount with its reserve held
 * back, and the year-end clearing statement. Enforces the special-review cap.
 */
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import type { Counts } from '../bulk/job.js';
import { readTable } from '../csv/table.js';
import { IssueList } from '../errors.js';
import { type Fen, formatYuan } from '../money.js';
import { REJECTS_HEADER } from '../jobs/group.js';
import { settleCsv } from '../payment/bulk.js';
import type { Period } from '../payment/hospitals.js';
import { loadPolicy } from '../payment/policy.js';
import { clearingCsv, periodCsv } from '../payment/statements.js';
import { cellSignedYuan } from '../../weights/cells.js';
import { HELP_FLAG, oneOf, onePositional, OUTPUT_FLAG, parseCommand, required, RUN_FLAGS } from './args.js';
import { EXIT } from './errors.js';
import { AtomicOutput, besideOutput, openInput } from './files.js';
import { parseWorkers } from './group.js';
import { progressFor } from './progress.js';

export const usage = `Usage: drg hospitals --policy <policy.json> <priced.csv|-> [options]

Settle hospitals from priced cases (the output of drg price under the same
policy). Per hospital and period: cases, total RW (and points), CMI, time and
cost consumption indices, count and payment per outlier class, the fund amount
due, the reserve held back (settlement.reserve_share) and the advance paid.
Per hospital for the year: the clearing statement,
  clearing = entitlement − patient payments − advances + assessment,
where the entitlement is the sum of payments (rate method) or the year's points
× the final point value (point method). The special-review cap of the policy is
enforced: flagged cases with the largest cost / standard ratio are accepted up
to the cap; the rest are paid under their ordinary class.

Options:
  --policy <file>        the region payment policy JSON used for pricing
  -o, --output <file>    statements per hospital and period (default: standard output)
  --clearing <file>      year-end clearing per hospital (default: next to -o,
                         <output>.clearing.csv; required when -o is not given)
  --period <p>           month (default), quarter or year
  --advances <file>      advances actually paid (CSV hospital_id,amount), instead
                         of the computed monthly advances
  --assessment <file>    assessment adjustments (CSV hospital_id,amount; negative deducts)
  --rejects <file>       rows that cannot be settled (line, reason, message, raw)
  --workers <n>          worker threads (default 1: settlement is light)
  --progress             show a progress line even when standard error is not a terminal
  -q, --quiet            no summary
  -h, --help             this text

Exit codes: 0 done; 1 fatal error; 2 bad command line; 3 done, but some rows
could not be settled (see --rejects).`;

const amountRow = z.object({ hospital_id: z.string().min(1, 'must not be empty'), amount: cellSignedYuan });

function loadAmounts(path: string): Map<string, Fen> {
  const file = basename(path);
  const issues = new IssueList();
  const out = new Map<string, Fen>();
  const lines = new Map<string, number>();
  for (const { line, row } of readTable(path, amountRow, issues, { displayName: file })) {
    if (lines.has(row.hospital_id)) issues.add({ code: 'amounts.duplicate', file, line, column: 'hospital_id', value: row.hospital_id, message: `hospital ${row.hospital_id} is already given on line ${lines.get(row.hospital_id)}` });
    lines.set(row.hospital_id, line);
    out.set(row.hospital_id, row.amount);
  }
  issues.throwIfAny(file);
  return out;
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    policy: { type: 'string' },
    ...OUTPUT_FLAG,
    clearing: { type: 'string' },
    period: { type: 'string' },
    advances: { type: 'string' },
    assessment: { type: 'string' },
    rejects: { type: 'string' },
    workers: { type: 'string' },
    ...RUN_FLAGS,
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'priced cases file');
  const policy = loadPolicy(resolve(required(values.policy, '--policy')));
  const period = oneOf<Period>(values.period, '--period', ['month', 'quarter', 'year'], 'month');
  const workers = values.workers === undefined ? 1 : parseWorkers(values.workers);
  const quiet = values.quiet === true;
  const clearingPath = besideOutput(values.clearing, values.output, '.clearing.csv', 'give --clearing <file> (or -o <file>, and the clearing statement goes next to it)');
  const advances = values.advances !== undefined ? loadAmounts(resolve(values.advances)) : undefined;
  const assessment = values.assessment !== undefined ? loadAmounts(resolve(values.assessment)) : undefined;
  const started = performance.now();

  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const clearing = new AtomicOutput(clearingPath);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const { counts, settlement } = await settleCsv({
      policy,
      input: source,
      ...(rejects !== undefined ? { rejects: rejects.stream } : {}),
      workers,
      period,
      ...(advances !== undefined ? { advances } : {}),
      ...(assessment !== undefined ? { assessment } : {}),
      ...(progress !== undefined ? { onProgress: (c: Counts) => progress.update(c['read'] ?? 0) } : {}),
    });
    progress?.done();
    out.stream.write(periodCsv(settlement));
    clearing.stream.write(clearingCsv(settlement));
    await out.commit();
    await clearing.commit();
    await rejects?.commit();
    if (!quiet) {
      const n = (k: string) => counts[k] ?? 0;
      const lines = [
        `${n('read')} rows read (${((performance.now() - started) / 1000).toFixed(1)} s) = ${n('settled')} settled + ${n('unpriced')} unpriced (skipped) + ${n('unsettled')} unsettled + ${n('rejected')} malformed${n('unsettled') + n('rejected') > 0 ? (values.rejects !== undefined ? ` (see ${values.rejects})` : ' (give --rejects <file> to see them)') : ''}`,
        `${settlement.clearing.length} hospitals, ${settlement.periods.length} hospital-periods (${period}); payments ${formatYuan(settlement.totals.payments)}, patient payments ${formatYuan(settlement.totals.patientPayments)}, entitlement ${formatYuan(settlement.totals.entitlement)}, clearing ${formatYuan(settlement.totals.clearing)} (clearing statement in ${clearingPath})`,
      ];
      if (settlement.pointValue !== null) lines.push(`point value: provisional ${settlement.pointValue.provisional}, final ${settlement.pointValue.final} = ${settlement.pointValue.how}`);
      for (const r of settlement.review) lines.push(`special review (${r.scope}): ${r.flagged} flagged, cap ${r.cap} of ${r.cases} cases (${policy.outliers.special_review?.cap_share.times(100).toString() ?? 0} %), ${r.accepted} accepted, ${r.refused} refused and paid under their ordinary class${r.refused > 0 ? ` (${r.refusedIds.slice(0, 5).join(', ')}${r.refused > 5 ? ', …' : ''})` : ''}`);
      const known = new Set(settlement.clearing.map((c) => c.hospitalId));
      for (const [what, m] of [['advances', advances], ['assessment', assessment]] as const) {
        const extra = [...(m?.keys() ?? [])].filter((h) => !known.has(h));
        if (extra.length > 0) lines.push(`note: ${what} given for hospital${extra.length > 1 ? 's' : ''} without priced cases (not settled): ${extra.join(', ')}`);
      }
      process.stderr.write(lines.map((l) => `drg hospitals: ${l}\n`).join(''));
    }
    return (counts['unsettled'] ?? 0) + (counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    clearing.abort();
    rejects?.abort();
    throw err;
  }
}
