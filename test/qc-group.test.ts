/**
 * The group job with --qc groups from the checker's look-ups (GroupQc.group)
 * instead of groupCase: with every rule off, its output must be the plain
 * group job's, byte for byte, plus an empty qc_findings column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordSplitter } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { GroupJob, type GroupJobSpec } from '../src/jobs/group.js';
import { validationDir } from '../src/paths.js';
import { QC_RULES } from '../src/qc/index.js';
import { requireShared, scheme } from './helpers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

function run(job: GroupJob, text: string): string {
  const splitter = new RecordSplitter<string>(64 * 1024, 1000, true);
  const batches = [...splitter.push(text), ...splitter.end()].slice(1);
  return batches.map((b) => job.run(b).out).map((o) => (typeof o === 'string' ? o : new TextDecoder().decode(o))).join('');
}

describe('drg group --qc groups exactly like drg group', () => {
  requireShared();
  const dir = mkdtempSync(join(tmpdir(), 'drg-qc-group-'));
  const allOff = join(dir, 'off.json');
  writeFileSync(allOff, JSON.stringify({ rules: Object.fromEntries(QC_RULES.map((r) => [r.id, 'off'])) }));

  it.each([
    ['chs-drg-1.1', 'chs-drg-1.1-public-2k.csv', false],
    ['chs-drg-1.1', 'chs-drg-1.1-public-2k.csv', true],
    ['qingdao-2023', 'qingdao-2023-public-2k.csv', true],
    ['chs-drg-2.0', 'chs-drg-2.0-public-2k.csv', false],
  ])('%s on %s (translate %s)', (name, file, translate) => {
    const text = readFileSync(join(validationDir(), file), 'utf8');
    const header = parseHeader(text.slice(0, text.indexOf('\n') + 1));
    const s = scheme(name);
    const spec: GroupJobSpec = { kind: 'group', scheme: s.dir, compare: null, format: 'csv', trace: false, translate, rejects: false, header, columns: [], newline: '\n' };
    const plain = run(new GroupJob(spec, { scheme: s, compare: null }), text);
    const checked = run(new GroupJob({ ...spec, qc: { config: allOff } }, { scheme: s, compare: null }), text);
    expect(checked.split('\n').map((l) => (l === '' ? l : l.replace(/,$/, '')))).toEqual(plain.split('\n'));
    const jsonPlain = run(new GroupJob({ ...spec, format: 'jsonl', trace: true }, { scheme: s, compare: null }), text);
    const jsonChecked = run(new GroupJob({ ...spec, format: 'jsonl', trace: true, qc: { config: allOff } }, { scheme: s, compare: null }), text);
    expect(jsonChecked.replaceAll(',"qc":[]', '')).toBe(jsonPlain);
  });
});
