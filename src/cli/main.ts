/**
 * The `drg` command: a thin dispatcher over the library. Each subcommand
 * lives in its own module, loaded only when used.
 */
import { HeaderError } from '../case/decode.js';
import { EmptyInputError, WorkerJobError } from '../bulk/pipeline.js';
import { DataError, formatIssue } from '../errors.js';
import { EXIT, FatalError, UsageError } from './errors.js';

interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: readonly string[]): Promise<number>; usage: string }>;
}

const COMMANDS: Record<string, Command> = {
  group: { summary: 'group a CSV file of cases under a CHS-DRG scheme', load: () => import('./group.js') },
  whatif: { summary: 'show the group of each case with each diagnosis / procedure as principal', load: () => import('./whatif.js') },
  qc: { summary: 'check the settlement-list quality of a CSV file of cases (findings, summary per hospital)', load: () => import('./qc.js') },
  synth: { summary: 'write synthetic cases drawn from a scheme (benchmarks, tests)', load: () => import('./synth.js') },
  dip: { summary: 'DIP: build a directory, group and score cases, what-if, settle hospitals', load: () => import('./dip.js') },
  weights: { summary: 'compute DRG relative weights from history, and evaluate the scheme (CV, RIV)', load: () => import('./weights.js') },
  rates: { summary: 'compute the rate (or point value) and the payment standards from a forecast', load: () => import('./rates.js') },
  price: { summary: 'group and price each case under a region\'s DRG payment policy', load: () => import('./price.js') },
  hospitals: { summary: 'settle hospitals from priced cases: indicators, monthly advances, year-end clearing', load: () => import('./hospitals.js') },
  settle: { summary: 'settle inpatient bills under a benefit policy against the yearly ledger', load: () => import('./settle.js') },
};

const USAGE = `Usage: drg <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run drg <command> --help for the options of a command.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('drg-engine 0.1.0\n');
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`drg: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  // Benchmarks ask for the peak RSS of the whole process (all threads) at exit.
  if (process.env['DRG_REPORT_RSS'] === '1') {
    process.once('exit', () => {
      const u = process.resourceUsage();
      process.stderr.write(`drg: peak RSS ${Math.round(u.maxRSS / 1024)} MB, CPU ${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(2)} s\n`);
    });
  }
  // An interrupted run exits through 'exit' handlers, which remove partial output files.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (err) {
    return report(`drg ${name}`, err);
  }
}

function report(prefix: string, err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`${prefix}: ${err.message}\n(run ${prefix} --help for usage)\n`);
    return EXIT.usage;
  }
  if (err instanceof DataError) {
    process.stderr.write(`${prefix}: ${err.message}\n`);
    if (err.issues.length > 1) for (const i of err.issues.slice(0, 20)) process.stderr.write(`  - ${formatIssue(i)}\n`);
    return EXIT.fatal;
  }
  if (err instanceof HeaderError || err instanceof EmptyInputError || err instanceof FatalError || err instanceof WorkerJobError) {
    process.stderr.write(`${prefix}: ${err.message}\n`);
    return EXIT.fatal;
  }
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.message === 'string') {
    process.stderr.write(`${prefix}: ${e.message}\n`);
    return EXIT.fatal;
  }
  process.stderr.write(`${prefix}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.fatal;
}
