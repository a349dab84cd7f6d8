/**
 * `drg whatif`: for each case, the group obtained with each of its diagnoses
 * and each of its procedures taken as principal.
 */
import { parseColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import { runPipeline } from '../bulk/pipeline.js';
import { WhatIfJob } from '../jobs/whatif.js';
import { loadSchemeSync } from '../../groupers/chs-drg/index.js';
import { resolveSchemeDir } from '../paths.js';
import type { WhatIfJobSpec } from '../jobs/whatif.js';
import { HELP_FLAG, oneOf, onePositional, OUTPUT_FLAG, parseCommand, required } from './args.js';
import { EXIT } from './errors.js';
import { AtomicOutput, openInput } from './files.js';

export const usage = `Usage: drg whatif --scheme <dir|name> <cases.csv|-> [options]

For every case, show the DRG it would get with each of its diagnoses taken as
principal and with each of its procedures taken as principal (the chosen code
moves to the front; the others keep their order).

Options:
  --scheme <dir|name>   scheme package folder or name (see drg group --help)
  -o, --output <file>   output file (default: standard output)
  --format <f>          text (default), jsonl, or csv (one row per alternative)
  --translate           translate older codes with the scheme's code maps first
  --columns <map>       map other header names onto the canonical fields
  -h, --help            this text`;

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    scheme: { type: 'string' },
    ...OUTPUT_FLAG,
    format: { type: 'string' },
    translate: { type: 'boolean' },
    columns: { type: 'string' },
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  const input = onePositional(positionals, 'cases file');
  const schemeDir = resolveSchemeDir(required(values.scheme, '--scheme'));
  const scheme = loadSchemeSync(schemeDir);
  const format = oneOf(values.format, '--format', ['text', 'jsonl', 'csv'] as const, 'text');
  const columns = values.columns !== undefined ? [...parseColumnMap(values.columns)] : [];
  const source = openInput(input);
  const out = new AtomicOutput(values.output);
  try {
    await runPipeline<WhatIfJobSpec>({
      input: source,
      output: out.stream,
      makeSpec: (header, newline) => ({ kind: 'whatif', scheme: schemeDir, format, translate: values.translate === true, header, columns: columns as [string, CaseField][], newline }),
      makeLocalJob: (spec) => new WhatIfJob(spec, scheme),
    });
    await out.commit();
    return EXIT.ok;
  } catch (err) {
    out.abort();
    throw err;
  }
}
