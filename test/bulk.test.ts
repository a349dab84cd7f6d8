/**
 * Bulk regrouping: nothing lost (every row in the output or the rejects file,
 * counts reconcile), identical output for any worker count, no final output
 * file after an interrupted run, migration matrix totals, the fused reader
 * against the generic path, synthetic data, and the streaming library API.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupCases, groupCsv, readCases } from '../src/bulk/stream.js';
import { packReplyInto, unpackReply } from '../src/bulk/reply.js';
import { RecordSplitter } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { GroupJob, type GroupJobSpec } from '../src/jobs/group.js';
import { csvRows, requireShared, ROOT, runDrg, scheme } from './helpers.js';

const BIN = join(ROOT, 'bin/drg.js');
const drg = runDrg;
const csv = csvRows;
let tmp: string;
let synth: string; // 30,000 synthetic rows (with malformed ones) under CHS-DRG 1.1

beforeAll(() => {
  requireShared();
  tmp = mkdtempSync(join(tmpdir(), 'drg-bulk-'));
  synth = join(tmp, 'synth.csv');
  const r = drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '30000', '--seed', '7', '--malformed', '0.01', '-o', synth, '-q']);
  expect(r.code).toBe(0);
});

describe('nothing lost', () => {
  const MESSY = [
    'id,sex,age,age_days,birth_weight,los,discharge,diagnoses,procedures',
    'M1,1,23,,,3,1,K35.800x001,47.0100',
    'M2,1,"50,,,3,1,K35.800x001,47.0100', // unclosed quote
    'M3,2,40,,,3,1,K80.101,51.2300',
    'M4,2,30,,,3', // missing fields
    '', // empty line in the middle
    'M5,1,forty,,,3,1,K35.800x001,47.0100', // non-numeric age
    'M6,1,"5"0,,,3,1,K35.800x001,47.0100', // text after a closing quote
    'M7,2,61,,,5,1,"K80.101|I10.x05",51.2300', // a proper quoted field
    'M8,1,70,,,4,1,I63.900,,extra', // too many fields
    'M9,2,"3',
    '1",,,2,1,K35.800x001,', // a genuine quoted value over two lines: one record, whose age is not a number
    'M10,1,45,,,2,1,K35.800x001,47.0100',
    '',
  ].join('\n');

  it('every data row is in the output or the rejects file, and the counts reconcile', () => {
    const input = join(tmp, 'messy.csv');
    writeFileSync(input, MESSY);
    const out = join(tmp, 'messy.out.csv');
    const rej = join(tmp, 'messy.rejects.csv');
    const r = drg(['group', '--scheme', 'chs-drg-1.1', input, '-o', out, '--rejects', rej, '--workers', '1']);
    expect(r.code).toBe(3);
    const rows = csv(readFileSync(out, 'utf8'));
    const rejects = csv(readFileSync(rej, 'utf8'));
    expect(rows.map((x) => x['id'])).toEqual(['M1', 'M3', 'M5', 'M7', 'M9', 'M10']);
    expect(rows.find((x) => x['id'] === 'M5')).toMatchObject({ status: 'invalid', reasons: 'age.not_a_number', detail: 'line 7: age "forty" is not a number' });
    expect(rows.find((x) => x['id'] === 'M9')).toMatchObject({ status: 'invalid', reasons: 'age.not_a_number' });
    expect(rejects.map((x) => [x['line'], x['reason']])).toEqual([
      ['3', 'row.malformed'],
      ['5', 'row.too_few_fields'],
      ['8', 'row.malformed'],
      ['10', 'row.too_many_fields'],
    ]);
    // 10 data records (M9 spans two lines): 4 grouped + 2 invalid + 4 rejected; 1 blank line (the file ends with a newline).
    const m = /(\d+) rows read = (\d+) grouped \+ (\d+) ungroupable \+ (\d+) invalid \+ (\d+) rejected.*; (\d+) blank line/.exec(r.err);
    expect(m).not.toBeNull();
    const [read, grouped, ungroupable, invalid, rejected, blank] = m!.slice(1).map(Number) as [number, number, number, number, number, number];
    expect(read).toBe(rows.length + rejects.length);
    expect(read).toBe(grouped + ungroupable + invalid + rejected);
    expect([read, grouped, invalid, rejected, blank]).toEqual([10, 4, 2, 4, 1]);
  });

  it('on a synthetic file with malformed rows, input lines = output rows + rejects, for 1 and 2 workers', () => {
    const lines = readFileSync(synth, 'utf8').split('\n').filter((l) => l !== '').length - 1;
    for (const workers of ['1', '2']) {
      const out = join(tmp, `s${workers}.csv`);
      const rej = join(tmp, `s${workers}.rej.csv`);
      const r = drg(['group', '--scheme', 'chs-drg-1.1', synth, '-o', out, '--rejects', rej, '--workers', workers]);
      expect(r.code).toBe(3);
      const outRows = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length - 1;
      const rejRows = csv(readFileSync(rej, 'utf8')).length;
      expect(outRows + rejRows).toBe(lines);
      expect(r.err).toContain(`${lines} rows read`);
    }
    expect(readFileSync(join(tmp, 's1.csv'))).toEqual(readFileSync(join(tmp, 's2.csv')));
    expect(readFileSync(join(tmp, 's1.rej.csv'))).toEqual(readFileSync(join(tmp, 's2.rej.csv')));
  });

  it('writes identical bytes for 1 and 2 workers in every format', () => {
    for (const format of ['jsonl', 'text']) {
      const a = drg(['group', '--scheme', 'chs-drg-1.1', synth, '--format', format, '--trace', '--workers', '1', '-q']);
      const b = drg(['group', '--scheme', 'chs-drg-1.1', synth, '--format', format, '--trace', '--workers', '2', '-q']);
      expect(a.code).toBe(0);
      expect(a.out.length).toBeGreaterThan(1_000_000);
      expect(b.out === a.out).toBe(true);
    }
  });
});

describe('interrupted runs', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('%s leaves no file under the final name', async (signal) => {
    const out = join(tmp, `interrupted-${signal}.csv`);
    const child = spawn(process.execPath, [BIN, 'group', '--scheme', 'chs-drg-1.1', '--workers', '2', '-o', out, '-'], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.on('error', () => undefined); // the child may be gone before its input is written
    // Feed rows slowly so the run is surely in progress when the signal comes.
    child.stdin.write(`${readFileSync(synth, 'utf8').split('\n').slice(0, 20000).join('\n')}\n`);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    // A handled signal also removes the partial file; only SIGKILL can leave it, under a name that says so.
    const partial = readdirSync(tmp).filter((f) => f.startsWith(`interrupted-${signal}.csv.partial-`));
    expect(partial.length).toBe(signal === 'SIGKILL' ? partial.length : 0);
  });
});

describe('version migration', () => {
  it('the migration matrix totals equal the input count', () => {
    const out = join(tmp, 'mig.csv');
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--compare-scheme', 'chs-drg-2.0', synth, '-o', out, '--rejects', join(tmp, 'mig.rej.csv'), '--workers', '2']);
    expect(r.code).toBe(3);
    const matrix = csv(readFileSync(join(tmp, 'mig.migration.csv'), 'utf8'));
    const total = matrix.reduce((a, x) => a + Number(x['cases']), 0);
    const lines = readFileSync(synth, 'utf8').split('\n').filter((l) => l !== '').length - 1;
    expect(total).toBe(lines);
    expect(matrix.some((x) => x['from_drg'] !== x['to_drg'] && x['to_status'] === 'grouped')).toBe(true);
    expect(Object.keys(matrix[0]!)).toEqual(['from_status', 'from_drg', 'from_name', 'to_status', 'to_drg', 'to_name', 'cases']);
    const rows = csv(readFileSync(out, 'utf8'));
    expect(rows[0]).toHaveProperty('cmp_drg');
    expect(r.err).toMatch(/migration chs-drg-1\.1 → chs-drg-2\.0: \d+ cases in \d+ cells/);
  });

  it('needs a place for the matrix when writing to standard output', () => {
    expect(drg(['group', '--scheme', 'chs-drg-1.1', '--compare-scheme', 'chs-drg-2.0', synth])).toMatchObject({ code: 2, err: expect.stringContaining('give --matrix') });
  });
});

describe('the fused reader gives the same bytes as the generic path', () => {
  const s = scheme('chs-drg-1.1');
  const run = (text: string, fused: boolean): string => {
    const splitter = new RecordSplitter<string>(4096, 50, true);
    const batches = [...splitter.push(text), ...splitter.end()];
    const header = parseHeader(batches[0]!.text);
    const spec: GroupJobSpec = { kind: 'group', scheme: '', compare: null, format: 'csv', trace: false, translate: false, rejects: true, header, columns: [], newline: text.includes('\r\n') ? '\r\n' : '\n' };
    const job = new GroupJob(spec, { scheme: s, fused });
    return batches
      .slice(1)
      .map((b) => {
        const r = job.run(b);
        return `${typeof r.out === 'string' ? r.out : Buffer.from(r.out).toString('utf8')}${r.rejects}${JSON.stringify(r.counts)}`;
      })
      .join('');
  };

  it('on synthetic data with malformed rows', () => {
    const text = readFileSync(synth, 'utf8');
    const part = text.split('\n').slice(0, 4000).join('\n');
    expect(run(part, true)).toBe(run(part, false));
  });

  it('on random rows with odd values (spaces, signs, decimals, lower case, quotes, bad widths, CRLF)', () => {
    const cell = {
      id: fc.constantFrom('A1', ' A2', 'A3 ', '', 'B,', 'Z', '"Q,1"', 'x"y', '"Q2"', '"open'),
      num: fc.constantFrom('', '1', '2', '0', '9', ' 1', '1 ', '-3', '+4', '2.0', '3.5', '.5', '1e2', 'x', '45', '007', '0028'),
      dx: fc.constantFrom('K35.800x001', 'k35.800X001', ' K35.800x001 ', 'K35.800x001|J18.900', 'J18.900|', '|I63.900', 'X99.999', '', 'P22.000|P07.100', 'K80.101|I10.x05', '"K35.800x001|J18.900"', '"I63.900'),
      px: fc.constantFrom('', '47.0100', '51.2300', '47.0100|54.5900', ' 47.0901', '99.9999'),
      money: fc.constantFrom('', '12.34', '1,5', '-0.5', '100', '1.234'),
      date: fc.constantFrom('', '2024-02-29', '2023-02-29', ' 2024-01-01', '20240101'),
    };
    const row = fc.tuple(cell.id, cell.num, cell.num, cell.num, cell.num, cell.num, cell.num, cell.dx, cell.px, cell.money, cell.date, fc.boolean()).map(([id, sex, age, ad, bw, los, dis, dx, px, money, date, short]) =>
      short ? `${id},${sex},${age}` : [id, sex, age, ad, bw, los, dis, dx, px, money, date].join(','),
    );
    const doc = fc.tuple(fc.array(row, { minLength: 1, maxLength: 60 }), fc.constantFrom('\n', '\r\n')).map(([rows, nl]) => ['id,sex,age,age_days,birth_weight,los,discharge,diagnoses,procedures,total_cost,admit_date', ...rows].join(nl) + nl);
    fc.assert(
      fc.property(doc, (text) => {
        expect(run(text, true)).toBe(run(text, false));
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe('drg synth', () => {
  it('writes the same bytes for the same seed, and different ones for another seed', () => {
    const a = drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '3000', '--seed', '3', '-q']);
    const b = drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '3000', '--seed', '3', '-q']);
    const c = drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '3000', '--seed', '4', '-q']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).not.toBe(c.out);
  });

  it('reaches every ADRG of 1.1 and Qingdao, with plausible fields', () => {
    for (const name of ['chs-drg-1.1', 'qingdao-2023']) {
      const r = drg(['synth', '--scheme', name, '-n', '2000', '--seed', '1', '--malformed', '0']);
      expect(r.err).toContain('376 of 376 ADRGs reached');
      const rows = csv(r.out);
      expect(Object.keys(rows[0]!)).toEqual(['id', 'sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'diagnoses', 'procedures', 'total_cost', 'hospital_id', 'hospital_level', 'admit_date', 'discharge_date']);
      for (const x of rows) {
        expect(['1', '2']).toContain(x['sex']);
        expect(Number(x['los'])).toBeGreaterThanOrEqual(1);
        expect(x['total_cost']).toMatch(/^\d+\.\d\d$/);
        expect(['1', '2', '3']).toContain(x['hospital_level']);
        expect(['2022', '2023', '2024']).toContain(x['discharge_date']!.slice(0, 4));
        if (x['age'] !== '0') expect(x['age_days']).toBe('');
      }
      const g = drg(['group', '--scheme', name, '-', '-q'], r.out);
      const statuses = csv(g.out).map((x) => x['status']);
      expect(statuses.filter((s) => s === 'grouped').length).toBeGreaterThan(1950);
    }
  });

  it('writes cases the default quality checks find no error in (codes agree with sex and age, none listed twice)', () => {
    for (const name of ['chs-drg-1.1', 'chs-drg-2.0', 'qingdao-2023']) {
      const r = drg(['synth', '--scheme', name, '-n', '3000', '--seed', '2', '--malformed', '0', '-q']);
      const q = drg(['qc', '--scheme', name, '-', '--workers', '1'], r.out);
      expect(q.err).toContain('3000 rows read');
      expect(q.err).toContain(' + 0 with errors;');
      // Warnings stay (a symptom as principal is common in real files too).
      expect(q.err).toMatch(/ [1-9]\d* with warnings only/);
      // Deliveries carry the newborn's birth weight, whatever the mother's age.
      const deliveries = csv(r.out).filter((x) => /(^|\|)(O8[0-4]|Z37)/.test(x['diagnoses']!));
      expect(deliveries.length).toBeGreaterThan(0);
      for (const x of deliveries) expect(Number(x['birth_weight'])).toBeGreaterThanOrEqual(500);
    }
  });

  it('spoils about the share of rows asked for, in every kind', () => {
    const r = drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '20000', '--seed', '5', '--malformed', '0.05']);
    const g = drg(['group', '--scheme', 'chs-drg-1.1', '-', '--rejects', join(tmp, 'sp.rej.csv'), '--workers', '1'], r.out);
    const rows = csv(g.out);
    const reasons = new Set(rows.flatMap((x) => x['reasons']!.split('|')).filter(Boolean));
    expect([...reasons]).toEqual(expect.arrayContaining(['age.not_a_number', 'sex.invalid', 'diagnoses.empty']));
    expect(rows.some((x) => x['warnings']!.includes('dx.unknown'))).toBe(true);
    const rejects = csv(readFileSync(join(tmp, 'sp.rej.csv'), 'utf8'));
    expect(new Set(rejects.map((x) => x['reason']))).toEqual(new Set(['row.malformed', 'row.too_few_fields']));
    const spoiled = rows.filter((x) => x['status'] === 'invalid').length + rejects.length;
    expect(spoiled).toBeGreaterThan(20000 * 0.05 * 0.5);
    expect(spoiled).toBeLessThan(20000 * 0.05 * 1.1);
  });
});

describe('streaming library API', () => {
  it('readCases yields decoded rows and bad records with their lines', async () => {
    const input = Readable.from(['id,sex,age,diagnoses\nA,1,30,K35.800x001\n', 'B,1,"3\nC,2,x,K80.101\n']);
    const rows = [];
    for await (const r of readCases(input)) rows.push(r.kind === 'case' ? [r.line, r.case.id, r.problems?.map((p) => p.code) ?? []] : [r.line, r.code]);
    expect(rows).toEqual([
      [2, 'A', []],
      [3, 'row.malformed'],
      [4, 'C', ['age.not_a_number']],
    ]);
  });

  it('groupCases groups an async iterable in order', async () => {
    async function* cases() {
      yield { id: 'a', sex: 1, age: 23, diagnoses: ['K35.800x001'], procedures: ['47.0100'] };
      yield { id: 'b', sex: 9, age: 23, diagnoses: ['K35.800x001'] };
    }
    const out = [];
    for await (const r of groupCases(scheme('chs-drg-1.1'), cases())) out.push([r.id, r.status, r.drg]);
    expect(out).toEqual([
      ['a', 'grouped', 'GD25'],
      ['b', 'invalid', '0000'],
    ]);
  });

  it('groupCsv streams a file on workers and returns the counts', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const { counts } = await groupCsv({ scheme: 'chs-drg-1.1', input: synth, output: sink, rejects: new PassThrough().resume(), workers: 2 });
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l !== '').length - 1;
    expect(counts['read']).toBe(lines + (counts['rejected'] ?? 0));
    expect(counts['read']).toBe(30000);
  });
});

describe('buffers lent to the workers', () => {
  it('a reply is written into the lent buffer when it fits, and into a new one when not', () => {
    const head = { counts: { read: 2 }, rejects: 'x\n' };
    for (const out of ['a,b\n病,c\n', new TextEncoder().encode('a,b\n病,c\n')]) {
      const lent = new Uint8Array(new SharedArrayBuffer(256));
      const n = packReplyInto(head, out, lent);
      expect(typeof n).toBe('number');
      const inPlace = unpackReply(lent.subarray(0, n as number));
      expect(inPlace.head).toEqual(head);
      expect(Buffer.from(inPlace.out).toString('utf8')).toBe('a,b\n病,c\n');
      const small = packReplyInto(head, out, new Uint8Array(new SharedArrayBuffer(40)));
      expect(small).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(unpackReply(small as Uint8Array).out).toString('utf8')).toBe('a,b\n病,c\n');
    }
    // A string whose UTF-8 form outgrows the buffer, though its length in UTF-16 units fits.
    const wide = '病'.repeat(60);
    const r = packReplyInto(head, wide, new Uint8Array(new SharedArrayBuffer(120)));
    expect(r).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(unpackReply(r as Uint8Array).out).toString('utf8')).toBe(wide);
  });

  it('a stream that keeps written buffers (a PassThrough) gets the same bytes as a file, with a record too long for a lent buffer', async () => {
    const input = join(tmp, 'long.csv');
    const rows = readFileSync(synth, 'utf8').split('\n').filter((l) => l !== ''); // 30,000 rows: more batches than lent buffers
    // One record of about 420 KB: more than a lent input buffer holds (batch size 256 KiB + 64 KiB).
    rows.splice(15000, 0, `LONG,1,40,,,5,1,${Array.from({ length: 35000 }, () => 'K35.800x001').join('|')},47.0100,1000.00,H001,3,2024-01-01,2024-01-06`);
    writeFileSync(input, `${rows.join('\n')}\n`);
    const file = join(tmp, 'long.out.csv');
    expect(drg(['group', '--scheme', 'chs-drg-1.1', input, '-o', file, '--workers', '1', '-q']).code).not.toBe(2);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c)); // keeps the very buffers written
    await groupCsv({ scheme: 'chs-drg-1.1', input, output: sink, workers: 2 });
    expect(Buffer.concat(chunks).equals(readFileSync(file))).toBe(true);
  });
});
