/**
 * `drg synth`: write realistic synthetic cases for benchmarks and tests.
 */
import { compileScheme } from '../../groupers/chs-drg/compile.js';
import { readPackage } from '../../groupers/chs-drg/load.js';
import { write } from '../bulk/pipeline.js';
import { resolveSchemeDir } from '../paths.js';
import { SynthGenerator } from '../synth/generate.js';
import { HELP_FLAG, OUTPUT_FLAG, parseCommand, required } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { AtomicOutput } from './files.js';

export const usage = `Usage: drg synth --scheme <dir|name> -n <count> --seed <s> [options]

Write synthetic inpatient cases (canonical CSV plus total_cost, hospital_id,
hospital_level, admit_date, discharge_date) whose codes are drawn from the
scheme's own lists, so that every ADRG is reachable. Same seed, same bytes.

Options:
  --scheme <dir|name>   scheme package whose lists the codes come from
  -n, --count <n>       number of cases
  --seed <s>            random seed (a whole number)
  -o, --output <file>   output file (default: standard output)
  --malformed <share>   share of deliberately malformed rows (default 0.002):
                        non-numeric age, sex 9, no diagnosis, unknown code,
                        a truncated row, an unclosed quote
  --hospitals <n>       number of hospitals (default 60), levels 3 / 2 / 1
  --years <y,y,...>     discharge years (default 2022,2023,2024)
  -q, --quiet           no summary line
  -h, --help            this text`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    scheme: { type: 'string' },
    count: { type: 'string', short: 'n' },
    seed: { type: 'string' },
    ...OUTPUT_FLAG,
    malformed: { type: 'string' },
    hospitals: { type: 'string' },
    years: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values } = parsed;
  const whole = (v: string | undefined, flag: string, min: number, max: number): number => {
    const s = required(v, flag);
    if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${s})`);
    return Number(s);
  };
  const n = whole(values.count, '-n/--count', 1, 1e9);
  const seed = whole(values.seed, '--seed', 0, 4294967295);
  const malformed = values.malformed === undefined ? 0.002 : Number(values.malformed);
  if (!(malformed >= 0 && malformed <= 1)) throw new UsageError(`--malformed must be a share from 0 to 1 (got ${values.malformed})`);
  const hospitals = values.hospitals === undefined ? 60 : whole(values.hospitals, '--hospitals', 1, 100000);
  const years = values.years === undefined ? undefined : values.years.split(',').map((y) => whole(y.trim(), '--years', 1900, 2200));
  const started = performance.now();
  const pkg = readPackage(resolveSchemeDir(required(values.scheme, '--scheme')));
  const scheme = compileScheme(pkg);
  const gen = new SynthGenerator(pkg, scheme, { n, seed, malformed, hospitals, ...(years !== undefined ? { years } : {}) });
  const out = new AtomicOutput(values.output);
  try {
    let chunk = gen.header();
    for (let i = 0; i < n; i++) {
      chunk += gen.row(i);
      if (chunk.length > 1 << 20) {
        await write(out.stream, chunk);
        chunk = '';
      }
    }
    await write(out.stream, chunk);
    await out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  if (!values.quiet) {
    const s = (performance.now() - started) / 1000;
    process.stderr.write(`drg synth: ${n} cases (seed ${seed}, scheme ${scheme.id}): ${gen.reached.size} of ${new Set([...scheme.mdcs.flatMap((m) => m.rules.map((r) => r.adrg))]).size} ADRGs reached, about ${Math.round(n * malformed)} malformed rows, ${s.toFixed(1)} s\n`);
  }
  return EXIT.ok;
}
