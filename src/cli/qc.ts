/**
 * `drg qc`: check the settlement-list quality of a CSV file of cases — one
 * CSV row per finding, a summary per hospital, streamed through worker
 * threads like `drg group`.
 */
import { resolve } from 'node:path';
import { CaseDecoder, parseColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, Counts } from '../bulk/job.js';
import { runPipeline } from '../bulk/pipeline.js';
import { FINDINGS_HEADER, QcJob, REJECTS_HEADER, type QcJobSpec } from '../jobs/qc.js';
import { configOf, type QcConfig } from '../qc/config.js';
import { resolveSchemeDir } from '../paths.js';
import { QC_RULES } from '../qc/rules/index.js';
import { summarise, summaryCsv, summaryJson, summaryText, type QcTally } from '../qc/summary.js';
import { loadSchemeSync, type CompiledScheme, type Semantics } from '../../groupers/chs-drg/index.js';
import { readManifest } from '../../groupers/chs-drg/load.js';
import { HELP_FLAG, onePositional, OUTPUT_FLAG, parseCommand, required, RUN_FLAGS } from './args.js';
import { EXIT } from './errors.js';
import { AtomicOutput, openInput } from './files.js';
import { parseWorkers } from './group.js';
import { progressFor } from './progress.js';

export const usage = `Usage: drg qc --scheme <dir|name> <cases.csv|-> [options]

Check the settlement-list quality of every case of a CSV file (the header of
drg group; optional itemised cost columns cost_*): required fields, values in
range, codes in the scheme's dictionaries, principal diagnosis, sex- and
age-specific codes, birth weight, ventilation hours, costs. Writes one CSV row
per finding: id,line,rule,severity,field,value,message (errors block grouping
and payment, warnings do not), in input order, and a summary per hospital.

Options:
  --scheme <dir|name>   scheme package folder or name (its dictionaries and lists are used)
  -o, --output <file>   findings file (default: standard output)
  --config <file>       region configuration (JSON): rules off or re-graded, parameters, code lists
  --summary <file>      summary per hospital and overall: CSV, or JSON when the name ends in .json
  --columns <map>       map other header names onto the canonical fields (as drg group)
  --rejects <file>      write malformed rows here instead of as row.malformed findings
  --list-rules          print the rules (id, severity, fields, what they check) and exit
  --workers <n>         worker threads (default: available cores); 1 runs in-process
  --progress            show a progress line even when standard error is not a terminal
  -q, --quiet           no notes, no progress, no summary
  -h, --help            this text

Exit codes: 0 done (whatever was found); 1 fatal error (no output file is left);
2 bad command line; 3 done, but some rows were malformed and went to the rejects file.`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    scheme: { type: 'string' },
    ...OUTPUT_FLAG,
    config: { type: 'string' },
    summary: { type: 'string' },
    columns: { type: 'string' },
    rejects: { type: 'string' },
    'list-rules': { type: 'boolean' },
    workers: { type: 'string' },
    ...RUN_FLAGS,
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const configPath = values.config !== undefined ? resolve(values.config) : null;
  // Validated here, before any work: a broken configuration stops the run with its path and field.
  const config = configOf(configPath, values.config);
  if (values['list-rules']) {
    const semantics = values.scheme !== undefined ? readManifest(resolveSchemeDir(values.scheme)).semantics : null;
    process.stdout.write(listRules(config, semantics));
    return EXIT.ok;
  }
  const input = onePositional(positionals, 'cases file');
  const schemeDir = resolveSchemeDir(required(values.scheme, '--scheme'));
  const columns = values.columns !== undefined ? [...parseColumnMap(values.columns)] : [];
  const workers = parseWorkers(values.workers);
  const quiet = values.quiet === true;

  const started = performance.now();
  let scheme: CompiledScheme | undefined;
  let schemeId: string;
  let semantics: Semantics;
  if (workers <= 1) {
    scheme = loadSchemeSync(schemeDir);
    schemeId = scheme.id;
    semantics = scheme.semantics;
  } else {
    const manifest = readManifest(schemeDir);
    schemeId = manifest.id;
    semantics = manifest.semantics;
  }

  const source = openInput(input);
  const progress = progressFor(source, input, values);
  const out = new AtomicOutput(values.output);
  const rejects = values.rejects !== undefined ? new AtomicOutput(values.rejects) : undefined;
  const summaryOut = values.summary !== undefined ? new AtomicOutput(values.summary) : undefined;
  try {
    if (rejects !== undefined) rejects.stream.write(REJECTS_HEADER);
    const result = await runPipeline<QcJobSpec>({
      input: source,
      output: out.stream,
      rejects: rejects?.stream,
      workers,
      workerHeapMb: 128,
      makeSpec: (header, newline) => {
        const spec: QcJobSpec = { kind: 'qc', scheme: schemeDir, config: configPath, rejects: rejects !== undefined, header, columns: columns as [string, CaseField][], newline };
        const decoder = new CaseDecoder(header, new Map(spec.columns)); // validates the header before any work starts
        if (!quiet) noteColumns(decoder, config, semantics);
        return spec;
      },
      makeLocalJob: (spec): BatchJob =>
        workers <= 1
          ? new QcJob(spec, { scheme: scheme!, config })
          : {
              head: () => FINDINGS_HEADER,
              run: () => {
                throw new Error('batches run on the worker pool');
              },
            },
      onProgress: progress !== undefined ? (c) => progress.update(c['read'] ?? 0) : undefined,
    });
    progress?.done();
    const summary = summarise((result.aggregate as QcTally | undefined) ?? {}, config.params.score_warning_weight);
    if (summaryOut !== undefined) {
      summaryOut.stream.write(/\.json$/i.test(values.summary!) ? summaryJson(summary, { scheme: schemeId, config: config.name }) : summaryCsv(summary));
      await summaryOut.commit();
    }
    await out.commit();
    await rejects?.commit();
    if (!quiet) {
      process.stderr.write(`${countsLine(result.counts, schemeId, config.name, performance.now() - started, values.rejects, workers)}\n`);
      process.stderr.write(`drg qc: ${summaryText(summary).replace(/\n/g, '\ndrg qc: ')}\n`);
    }
    return (result.counts['rejected'] ?? 0) > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress?.done();
    out.abort();
    rejects?.abort();
    summaryOut?.abort();
    throw err;
  }
}

function noteColumns(d: CaseDecoder, config: QcConfig, semantics: Semantics | null): void {
  const prefix = config.params.cost_column_prefix.toLowerCase();
  const ignored = d.ignored.filter((h) => !h.trim().toLowerCase().startsWith(prefix));
  if (ignored.length > 0) process.stderr.write(`drg qc: note: ignoring column${ignored.length > 1 ? 's' : ''} ${ignored.join(', ')}\n`);
  // A required field without a column is reported on every case: say so once, up front.
  const absent = QC_RULES.filter((r) => r.id.startsWith('required.') && r.fields.length === 1 && !d.fields.includes(r.fields[0] as CaseField))
    .filter((r) => semantics === null || config.severityOf(r, semantics) !== 'off')
    .map((r) => r.fields[0]!);
  if (absent.length > 0) process.stderr.write(`drg qc: note: no column for ${absent.join(', ')}: every case gets a required.* finding for ${absent.length > 1 ? 'them' : 'it'} (switch the rule off with --config if the file does not carry ${absent.length > 1 ? 'them' : 'it'})\n`);
}

/** The counts line; it always reconciles: read = clean + warnings only + with errors + rejected. */
export function countsLine(c: Counts, schemeId: string, configName: string, ms: number, rejectsPath?: string, workers = 1): string {
  const n = (k: string) => c[k] ?? 0;
  const parts = [`${n('clean')} clean`, `${n('warned')} with warnings only`, `${n('errored')} with errors`];
  if (rejectsPath !== undefined) parts.push(`${n('rejected')} rejected${n('rejected') > 0 ? ` (see ${rejectsPath})` : ''}`);
  const blank = n('blank') > 0 ? `; ${n('blank')} blank line${n('blank') > 1 ? 's' : ''} skipped` : '';
  const rate = ms > 0 ? Math.round((n('read') * 1000) / ms) : 0;
  return `drg qc: ${n('read')} rows read = ${parts.join(' + ')}${blank}; ${n('errors') + n('warnings')} findings (${plural(n('errors'), 'error')}, ${plural(n('warnings'), 'warning')}) (scheme ${schemeId}, config ${configName}, ${workers} worker${workers > 1 ? 's' : ''}, ${(ms / 1000).toFixed(1)} s, ${rate} rows/s)`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The rule catalogue under a configuration (and a semantics, when a scheme is named). */
function listRules(config: QcConfig, semantics: Semantics | null): string {
  const rows = QC_RULES.map((r) => {
    const sev = semantics !== null ? config.severityOf(r, semantics) : (config.overrides.get(r.id) ?? r.severity);
    const under = semantics === null && r.severityUnder !== undefined ? ` (${Object.entries(r.severityUnder).map(([k, v]) => `${v} under ${k}`).join(', ')})` : '';
    return [r.id, `${sev}${under}`, r.fields.join(' ') || '-', r.description];
  });
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return `${rows.map((r) => `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[3]} [${r[2]}]`).join('\n')}\n`;
}
