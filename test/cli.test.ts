/**
 * The real `drg` binary (bin/drg.js over the compiled dist/), run as a child
 * process: outputs, summaries, exit codes and messages, bad inputs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvRows, requireBuilt, requireShared, ROOT, runDrg, writeIn } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples/cases.csv');

const drg = runDrg;

const csv = csvRows;
let tmp: string;
const file = (name: string, text: string) => writeIn(tmp, name, text);

beforeAll(() => {
  requireShared();
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'drg-cli-'));
});

describe('drg group', () => {
  it('groups the bundled examples', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', EXAMPLES]);
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['id'], x['status'], x['drg'], x['cc_level']])).toEqual([
      ['E01-cholecystectomy', 'grouped', 'HC29', ''],
      ['E02-appendicitis', 'grouped', 'GD25', ''],
      ['E03-appendicitis-cc', 'grouped', 'GD23', 'CC'],
      ['E04-perforated-appendix-mcc', 'grouped', 'GD13', 'MCC'],
      ['E05-newborn', 'grouped', 'PR13', 'CC'],
      ['E06-stroke-mcc', 'grouped', 'BR21', 'MCC'],
      ['E07-multiple-trauma', 'grouped', 'ZJ15', ''],
      ['E08-invalid-sex', 'invalid', '0000', ''],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'status', 'mdc', 'adrg', 'drg', 'drg_name', 'cc_level', 'cc_dx', 'reasons', 'warnings', 'detail']);
    expect(r.err).toMatch(/drg group: 8 rows read = 7 grouped \+ 0 ungroupable \+ 1 invalid \(scheme chs-drg-1\.1, /);
  });

  it('groups the bundled examples under 2.0 as the README says', () => {
    const r = drg(['group', '--scheme', 'chs-drg-2.0', EXAMPLES, '-q']);
    expect(r.code).toBe(0);
    expect(csv(r.out).map((x) => [x['id'], x['drg']])).toEqual([
      ['E01-cholecystectomy', 'HC25'],
      ['E02-appendicitis', 'GE29'],
      ['E03-appendicitis-cc', 'GE29'],
      ['E04-perforated-appendix-mcc', 'GE19'],
      ['E05-newborn', 'PR15'],
      ['E06-stroke-mcc', 'BR21'],
      ['E07-multiple-trauma', 'ZJ15'],
      ['E08-invalid-sex', '0000'],
    ]);
  });

  it('groups the 2.0 reference file with ambiguous cases in the summary', () => {
    const r = drg(['group', '--scheme', 'chs-drg-2.0', join(ROOT, '../shared/validation/chs-drg-2.0-public-2k.csv'), '--workers', '2']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('2000 rows read = 1545 grouped + 372 ambiguous + 70 ungroupable + 13 invalid');
    const rows = csv(r.out);
    expect(rows.filter((x) => x['status'] === 'ambiguous').every((x) => /^[A-Z]QY$/.test(x['drg']!))).toBe(true);
  });

  it('says when --translate has no maps to apply', () => {
    const r = drg(['group', '--scheme', 'chs-drg-2.0', '--translate', EXAMPLES]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('note: scheme chs-drg-2.0 has no code maps; --translate changes nothing');
  });

  it('groups the 1.1 reference file as expected, writing a file', () => {
    const out = join(tmp, 'ref.csv');
    const r = drg(['group', '--scheme', 'chs-drg-1.1', join(ROOT, '../shared/validation/chs-drg-1.1-public-2k.csv'), '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const got = csv(readFileSync(out, 'utf8'));
    const want = csv(readFileSync(join(ROOT, '../shared/validation/chs-drg-1.1-public-2k.csv'), 'utf8'));
    expect(got.map((x) => x['drg'])).toEqual(want.map((x) => x['expected_drg']));
    expect(r.err).toContain('2000 rows read = 1954 grouped + 35 ungroupable + 11 invalid');
  });

  it('reads standard input with -', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '-q', '-'], 'id,sex,age,diagnoses,procedures\nX,1,23,K35.800x001,47.0100\n');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(csv(r.out)[0]).toMatchObject({ id: 'X', drg: 'GD25' });
  });

  it('maps settlement-list column names with --columns', () => {
    const input = 'setl_id,gend,age,nwb_age,dscg_way,diagnoses\nS1,2,0,3,1,P22.000\n';
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--columns', 'settlement-list', '-'], input);
    expect(r.code).toBe(0);
    expect(csv(r.out)[0]).toMatchObject({ id: 'S1', status: 'invalid', reasons: 'birth_weight.missing' });
  });

  it('writes JSON lines with traces', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--format', 'jsonl', '--trace', '-q', EXAMPLES]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { line: number; drg: string; trace: { kind: string }[] });
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatchObject({ line: 2, id: 'E01-cholecystectomy', drg: 'HC29', drgName: '胆囊切除手术' });
    expect(lines[0]!.trace.map((t) => t.kind)).toContain('adrg');
    expect(lines[0]!.trace.at(-1)).toMatchObject({ kind: 'result' });
  });

  it('writes a readable text report with --format text --trace', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--format', 'text', '--trace', '-q', EXAMPLES]);
    expect(r.out).toContain('E06-stroke-mcc (line 7): BR21 脑缺血性疾患，伴严重并发症或合并症 [MDCB, ADRG BR2, MCC J96.000]');
    expect(r.out).toContain('has MCC: secondary diagnosis 2 J96.000 qualifies');
  });

  it('adds a trace column in CSV', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--trace', '-q', EXAMPLES]);
    const rows = csv(r.out);
    expect(rows[0]!['trace']).toContain('result: DRG HC29');
  });

  it('turns bad rows into invalid rows naming the line and field, and keeps going', () => {
    const input = file(
      'bad.csv',
      [
        'id,sex,age,age_days,birth_weight,los,discharge,diagnoses,procedures',
        'B1,1,23,,,3,1,K35.800x001,47.0100',
        'B2,1,forty,,,3,1,K35.800x001,47.0100',
        'B3,1,50,,,3,1,"K35.800x001,47.0100',
        'B4,2,30,,,3',
        '',
        'B5,2,30,,,3,1,K80.101|I10.x05,51.2300',
        'B6,2,30,,,3,1,K80.101,51.2300,extra',
        '',
      ].join('\n'),
    );
    const r = drg(['group', '--scheme', 'chs-drg-1.1', input]);
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['id'], x['status'], x['reasons']])).toEqual([
      ['B1', 'grouped', ''],
      ['B2', 'invalid', 'age.not_a_number'],
      ['B3', 'invalid', 'row.malformed'],
      ['B4', 'invalid', 'row.too_few_fields'],
      ['B5', 'grouped', ''],
      ['B6', 'invalid', 'row.too_many_fields'],
    ]);
    expect(rows[1]!['detail']).toBe('line 3: age "forty" is not a number');
    expect(rows[2]!['detail']).toBe('line 4: a quoted field is not closed (missing ")');
    expect(rows[3]!['detail']).toBe('line 5: expected 9 fields (as in the header), found 6');
    expect(r.err).toContain('6 rows read = 2 grouped + 0 ungroupable + 4 invalid; 1 blank line skipped');
  });

  it('sends malformed rows to --rejects, reconciles the counts, and exits 3', () => {
    const input = file('bad2.csv', 'id,sex,age,diagnoses\nR1,1,30,K35.800x001\nR2,1,"30,K35.800x001\nR3,1\nR4,2,x,K35.800x001\n');
    const out = join(tmp, 'r.csv');
    const rej = join(tmp, 'rejects.csv');
    const r = drg(['group', '--scheme', 'chs-drg-1.1', input, '-o', out, '--rejects', rej]);
    expect(r.code).toBe(3);
    expect(csv(readFileSync(out, 'utf8')).map((x) => x['id'])).toEqual(['R1', 'R4']);
    expect(csv(readFileSync(rej, 'utf8'))).toEqual([
      { line: '3', reason: 'row.malformed', message: 'line 3: a quoted field is not closed (missing ")', raw: 'R2,1,"30,K35.800x001' },
      { line: '4', reason: 'row.too_few_fields', message: 'line 4: expected 4 fields (as in the header), found 2', raw: 'R3,1' },
    ]);
    expect(r.err).toContain('4 rows read = 1 grouped + 0 ungroupable + 1 invalid + 2 rejected');
  });
});

describe('fatal problems and usage errors', () => {
  it('a scheme that does not exist: exit 1, one line naming it', () => {
    const r = drg(['group', '--scheme', 'no-such-scheme', EXAMPLES]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/drg group: .*no-such-scheme: scheme folder cannot be read: ENOENT/);
  });

  it('a missing required column: exit 1, naming the column, and no output file left', () => {
    const input = file('nosex.csv', 'id,gend,age,diagnoses\nA,1,30,K35.800x001\n');
    const out = join(tmp, 'never.csv');
    const r = drg(['group', '--scheme', 'chs-drg-1.1', input, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('drg group: missing required column sex (header has: id, gend, age, diagnoses; map other names with --columns');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('never.csv'))).toEqual([]);
  });

  it('an input file that does not exist: exit 1', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', join(tmp, 'nope.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot read');
    expect(r.err).toContain('no such file');
  });

  it('an empty input: exit 1', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', file('empty.csv', '')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the input is empty');
  });

  it('a broken scheme package: exit 1 with file, line and column', () => {
    const r = drg(['group', '--scheme', join(ROOT, 'test/fixtures'), EXAMPLES]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('manifest.json is missing');
  });

  it('missing --scheme, unknown flags, bad values: exit 2 with usage pointer', () => {
    expect(drg(['group', EXAMPLES])).toMatchObject({ code: 2, err: expect.stringContaining('--scheme is required') });
    expect(drg(['group', '--scheme', 'chs-drg-1.1', '--frobnicate', EXAMPLES])).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--frobnicate'") });
    expect(drg(['group', '--scheme', 'chs-drg-1.1', '--format', 'xml', EXAMPLES])).toMatchObject({ code: 2, err: expect.stringContaining('--format must be one of csv, jsonl, text') });
    expect(drg(['group', '--scheme', 'chs-drg-1.1'])).toMatchObject({ code: 2, err: expect.stringContaining('missing cases file') });
    expect(drg(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(drg(['group', '--scheme', 'chs-drg-1.1', '--columns', 'gend=gender', EXAMPLES])).toMatchObject({ code: 1, err: expect.stringContaining('"gender" is not a case field') });
  });

  it('prints help', () => {
    expect(drg(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('group') });
    expect(drg(['group', '--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: drg group') });
  });
});

describe('examples/library.mjs (the README library examples)', () => {
  it('runs and prints what the README says', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'examples/library.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("drg: 'BR21'");
    expect(r.stdout).toContain('has MCC: secondary diagnosis 2 J96.000 qualifies');
    expect(r.stdout).toContain("[ 'K35.800x001 → GD23', 'J18.900 → ES35 (changed)' ]");
    expect(r.stdout).toContain('total_cost: 1234560');
  });
});

describe('drg whatif', () => {
  it('shows each diagnosis and procedure as principal', () => {
    const input = 'id,sex,age,diagnoses,procedures\nW1,1,67,K35.800x001|J18.900|K80.101,47.0100|51.2300\n';
    const r = drg(['whatif', '--scheme', 'chs-drg-1.1', '-'], input);
    expect(r.code).toBe(0);
    expect(r.out).toContain('W1 (line 2) as coded: GD23');
    expect(r.out).toMatch(/2\. J18\.900 +→ .*\*changed\*/);
    expect(r.out).toMatch(/2\. 51\.2300 +→ .*\*changed\*/);
  });

  it('writes one CSV row per alternative', () => {
    const input = 'id,sex,age,diagnoses,procedures\nW1,1,67,K35.800x001|J18.900,47.0100\n';
    const rows = csv(drg(['whatif', '--scheme', 'chs-drg-1.1', '--format', 'csv', '-'], input).out);
    expect(rows.map((x) => [x['as'], x['position'], x['code']])).toEqual([
      ['coded', '', ''],
      ['principal_dx', '1', 'K35.800x001'],
      ['principal_dx', '2', 'J18.900'],
      ['principal_px', '1', '47.0100'],
    ]);
  });
});
