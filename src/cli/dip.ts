/**
 * `drg dip <subcommand>`: DIP (按病种分值付费) directories, grouping, scores and
 * settlement. Each subcommand lives in its own module under dip/, loaded
 * only when used.
 */
import { EXIT, UsageError } from './errors.js';

interface Subcommand {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: readonly string[]): Promise<number>; usage: string }>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  build: { summary: 'build a DIP directory (groups, scores, coefficients) from a history of cases', load: () => import('./dip/build.js') },
  group: { summary: 'group and score a CSV file of cases under a DIP directory', load: () => import('./dip/group.js') },
  whatif: { summary: 'list every group each case could reach, with its score and payment', load: () => import('./dip/whatif.js') },
  settle: { summary: 'point values and hospital settlement (monthly advances, clearing) for a year of cases', load: () => import('./dip/settle.js') },
};

export const usage = `Usage: drg dip <subcommand> [options]

Subcommands:
${Object.entries(SUBCOMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}

Run drg dip <subcommand> --help for its options.`;

export async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const sub = SUBCOMMANDS[name];
  if (sub === undefined) throw new UsageError(`unknown subcommand "${name}" (expected one of ${Object.keys(SUBCOMMANDS).join(', ')})`);
  return (await sub.load()).run(rest);
}
