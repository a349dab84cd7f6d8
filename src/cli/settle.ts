/**
 * `drg settle`: settle a CSV file of inpatient bills under a benefit policy,
 * against the yearly ledger (an SQLite file), in input order.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BatchJob, Counts } from '../bulk/job.js';
import { runPipeline } from '../bulk/pipeline.js';
import { REJECTS_HEADER } from '../jobs/group.js';
import { PipelinedSettleJob, SettleJob, type SettleJobSpec } from '../jobs/settle.js';
import type { SettleFormat } from '../settle/format.js';
import { Ledger, type Durability } from '../settle/ledger.js';
import { LedgerWriter } from '../settle/ledger-writer.js';
import { loadPolicy, resolvePolicyPath } from '../settle/policy/load.js';
import { HELP_FLAG, oneOf, onePositional, OUTPUT_FLAG, parseCommand, required, RUN_FLAGS } from './args.js';
import { EXIT, FatalError, UsageError } from './errors.js';
import { AtomicOutput, openInput } from './files.js';
import { progressFor } from './progress.js';

export const usage = `Usage: drg settle --policy <file|name> --ledger <file> <bills.csv|-> [options]

Settle every bill of a CSV file (header: bill_id,person_id,date,insured_type,
hospital_level,total_cost,out_of_scope,pre_self_pay and optional columns; see
README) under a benefit policy: basic insurance, critical-illness insurance and
medical assistance, each layer in order, remembering per person and year what
was used in the ledger. Bills are settled in input order, each batch of bills
in one ledger transaction; settling a bill id again returns the stored result,
and a row with action=reverse undoes a settled bill.

Options:
  --policy <file|name>  benefit policy JSON file, or the name of a shipped
                        example policy (zibo-2023, panjin-2020, changchun-2023)
  --ledger <file>       the ledger (SQLite file; created when missing)
  -o, --output <file>   output file (default: standard output); written under a
                        temporary name and renamed when the run succeeds
  --format <f>          csv (default: one row per bill, a column per layer) or
                        jsonl (the whole settlement, amounts in fen)
  --trace               add each bill's calculation steps
  --rejects <file>      write rejected bills (line, reason, message, raw row)
                        here instead of as rejected rows in the output
  --commit-every <n>    bills per ledger transaction (default 50000; 1 = one
                        transaction per bill)
  --durability <d>      full (default: each commit reaches the disk before the
                        next batch) or normal (survives a crash of this process,
                        not a power loss)
  --lockstep            settle and commit on one thread (default: a second
                        thread commits each batch while the next is settled;
                        the results are the same)
  --progress            show a progress line even when standard error is not a terminal
  -q, --quiet           no notes, no progress, no summary line
  -h, --help            this text

Exit codes: 0 done; 1 fatal error (bad policy, unreadable input, missing column;
no output file is left); 2 bad command line; 3 done, but some bills were
rejected (in the output, or in the rejects file).`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    policy: { type: 'string' },
    ledger: { type: 'string' },
    ...OUTPUT_FLAG,
    format: { type: 'string' },
    trace: { type: 'boolean' },
    rejects: { type: 'string' },
    'commit-every': { type: 'string' },
    durability: { type: 'string' },
    lockstep: { type: 'boolean' },
    ...RUN_FLAGS,
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'bills file');
  const policyPath = resolvePolicyPath(required(values.policy, '--policy'));
  const ledgerPath = required(values.ledger, '--ledger');
  const format = oneOf<SettleFormat>(values.format, '--format', ['csv', 'jsonl'], 'csv');
  const durability = oneOf<Durability>(values.durability, '--durability', ['full', 'normal'], 'full');
  // Each commit rewrites every person-year page the batch touched; over a region's people a batch touches most of
  // them, so larger batches write less per bill (1M bills over 600,000 people: 10,000 → 50,000 took 0.78–0.86 ×
  // the time). A crash loses at most the open batch, which a rerun settles (the committed ones are replayed).
  const commitEvery = parseCount(values['commit-every'], '--commit-every', 50_000);
  const quiet = values.quiet === true;
  const started = performance.now();

  const policy = loadPolicy(policyPath);
  if (!existsSync(dirname(resolve(ledgerPath)))) throw new FatalError(`cannot open the ledger ${ledgerPath}: folder ${dirname(resolve(ledgerPath))} does not exist`);
  const source = openInput(input);
  // Pipelined (the default): a second thread commits each batch while this one settles the next.
  const lockstep = values.lockstep === true;
  let ledger: Ledger | undefined;
  let writer: LedgerWriter | undefined;
  try {
    if (lockstep) ledger = Ledger.open(ledgerPath, { durability });
    else writer = await LedgerWriter.start(ledgerPath, { durability }, policyPath);
  } catch (err) {
    // Not a database, another schema version, no permission: the file's fault, not the engine's.
    if (source !== process.stdin) source.destroy();
    throw new FatalError(`cannot open the ledger ${ledgerPath}: ${(err as Error).message}`);
  }
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  let job: SettleJob | PipelinedSettleJob | undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const result = await runPipeline<SettleJobSpec>({
      input: source,
      output: out.stream,
      rejects: rejects?.stream,
      workers: 1,
      // One batch is one ledger transaction: its rows are written only after it commits.
      batchRecords: commitEvery,
      batchBytes: Math.max(256 * 1024, commitEvery * 512),
      makeSpec: (header, newline) => {
        const spec: SettleJobSpec = { kind: 'settle', format, trace: values.trace === true, rejects: rejects !== undefined, header, newline };
        // Either checks the header before any bill is settled.
        job = writer !== undefined ? new PipelinedSettleJob(spec, policy, writer) : new SettleJob(spec, policy, ledger!);
        if (!quiet && job.decoder.ignored.length > 0) process.stderr.write(`drg settle: note: ignoring column${job.decoder.ignored.length > 1 ? 's' : ''} ${job.decoder.ignored.join(', ')}\n`);
        return spec;
      },
      makeLocalJob: (): BatchJob => job!,
      onProgress: progress !== undefined ? (c) => progress.update(c['read'] ?? 0) : undefined,
    });
    progress?.done();
    if (!quiet && writer !== undefined && writer.redone > 0) process.stderr.write(`drg settle: note: ${writer.redone} batch${writer.redone > 1 ? 'es were' : ' was'} settled by the ledger's writer thread under its lock (another process wrote to the ledger meanwhile, the bills were in it already, or a bill id came back within two batches)\n`);
    await out.commit();
    await rejects?.commit();
    if (!quiet) process.stderr.write(`${summary(result.counts, policy.id, ledgerPath, performance.now() - started, values.rejects)}\n${job !== undefined ? `drg settle: this run: ${job.totals.describe()}\n` : ''}`);
    return (result.counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    rejects?.abort();
    throw err;
  } finally {
    ledger?.close();
    await writer?.close();
  }
}

function parseCount(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1_000_000) throw new UsageError(`${flag} must be a whole number from 1 to 1000000 (got ${v})`);
  return Number(v);
}

/** The one-line summary; its counts always reconcile: read = settled + replayed + reversed + rejected. */
export function summary(c: Counts, policyId: string, ledgerPath: string, ms: number, rejectsPath?: string): string {
  const n = (k: string) => c[k] ?? 0;
  const rejected = `${n('rejected')} rejected${n('rejected') > 0 && rejectsPath !== undefined ? ` (see ${rejectsPath})` : ''}`;
  const rate = ms > 0 ? Math.round((n('read') * 1000) / ms) : 0;
  const blank = n('blank') > 0 ? `; ${n('blank')} blank line${n('blank') > 1 ? 's' : ''} skipped` : '';
  return `drg settle: ${n('read')} bills read = ${n('settled')} settled + ${n('replayed')} replayed + ${n('reversed')} reversed + ${rejected}${blank} (policy ${policyId}, ledger ${ledgerPath}, ${(ms / 1000).toFixed(1)} s, ${rate} bills/s)`;
}
