/**
 * `drg settle` as a real process: outputs, summaries that reconcile, rejects,
 * replays, traces, JSON lines, exit codes and messages.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvRows, requireBuilt, ROOT, runDrg, writeIn } from './helpers.js';

const EXAMPLE = join(ROOT, 'examples/bills.csv');

const drg = runDrg;
const csv = csvRows;
let tmp: string;
let n = 0;
const ledger = () => join(tmp, `l${++n}.db`);
const file = (name: string, text: string) => writeIn(tmp, name, text);

beforeAll(() => {
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'drg-settle-cli-'));
});

const HEADER = 'bill_id,person_id,date,insured_type,person_class,hospital_level,total_cost,out_of_scope,pre_self_pay\n';

describe('drg settle', () => {
  it('settles the worked example', () => {
    const r = drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), '-'], `${HEADER}W1,R1,2023-05-01,resident,extreme_poverty,3,200000.00,10000.00,6000.00\n`);
    expect(r.code).toBe(0);
    const [row] = csv(r.out);
    expect(row).toMatchObject({ bill_id: 'W1', status: 'settled', method: 'fee_for_service', admission: '1', in_scope: '184000.00', deductible: '1000.00', basic: '118950.00', critical_illness: '31230.00', assistance: '25365.00', assistance_2: '0.00', covered: '175545.00', patient: '24455.00', hospital_difference: '0.00' });
    expect(r.err).toMatch(/^drg settle: 1 bills read = 1 settled \+ 0 replayed \+ 0 reversed \+ 0 rejected \(policy zibo-2023, ledger .*\)\ndrg settle: this run: basic 118950\.00, critical_illness 31230\.00, assistance 25365\.00, assistance_2 0\.00, patients 24455\.00\n$/);
  });

  it('settles the example bills: rejected rows say why, the summary reconciles, exit code 3', () => {
    const path = ledger();
    const r = drg(['settle', '--policy', 'zibo-2023', '--ledger', path, EXAMPLE]);
    expect(r.code).toBe(3);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['bill_id'], x['action'], x['status'], x['reason']])).toEqual([
      ['Z-001', 'settle', 'settled', ''],
      ['Z-002', 'settle', 'settled', ''],
      ['Z-003', 'settle', 'settled', ''],
      ['Z-004', 'settle', 'settled', ''],
      ['Z-005', 'settle', 'settled', ''],
      ['Z-006', 'settle', 'settled', ''],
      ['Z-007', 'settle', 'settled', ''],
      ['Z-008', 'settle', 'rejected', 'total_cost.negative'],
      ['Z-009', 'settle', 'rejected', 'amounts.inconsistent'],
      ['Z-003', 'reverse', 'reversed', ''],
    ]);
    expect(rows[7]!['detail']).toBe('line 9: total_cost "-500.00" is negative (a refund is a reversal of the bill, not a negative bill)');
    expect(rows[9]).toMatchObject({ basic: '-7800.00', patient: '-4200.00', total: '-12000.00' }); // a reversal is a refund voucher
    expect(r.err).toContain('drg settle: 10 bills read = 7 settled + 0 replayed + 1 reversed + 2 rejected');

    // The same file again: every bill replays with the same amounts (the reversed one says so).
    const again = drg(['settle', '--policy', 'zibo-2023', '--ledger', path, EXAMPLE]);
    expect(again.code).toBe(3);
    expect(again.err).toContain('drg settle: 10 bills read = 0 settled + 8 replayed + 0 reversed + 2 rejected');
    expect(again.err).toContain('drg settle: this run: patients 0.00');
    const rows2 = csv(again.out);
    const strip = (x: Record<string, string>) => ({ ...x, status: '', detail: '' });
    expect(rows2.map(strip)).toEqual(rows.map(strip));
    expect(rows2[2]).toMatchObject({ status: 'replayed', detail: 'reversed since' });
  });

  it('--rejects: rejected bills go to a file with line, reason, message and the row', () => {
    const rejects = join(tmp, 'rejects.csv');
    const out = join(tmp, 'out.csv');
    const r = drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), EXAMPLE, '-o', out, '--rejects', rejects]);
    expect(r.code).toBe(3);
    expect(csv(readFileSync(out, 'utf8')).map((x) => x['status'])).toEqual(['settled', 'settled', 'settled', 'settled', 'settled', 'settled', 'settled', 'reversed']);
    expect(csv(readFileSync(rejects, 'utf8'))).toEqual([
      { line: '9', reason: 'total_cost.negative', message: 'line 9: total_cost "-500.00" is negative (a refund is a reversal of the bill, not a negative bill)', raw: 'Z-008,R-5005,2023-10-01,resident,,,1,,-500.00,0.00,0.00,K29.700,internal,,3,,,' },
      { line: '10', reason: 'amounts.inconsistent', message: 'line 10: out_of_scope 600.00 + pre_self_pay 300.00 = 900.00 exceed total_cost 800.00', raw: 'Z-009,R-5005,2023-10-03,resident,,,1,,800.00,600.00,300.00,K29.700,internal,,3,,,' },
    ]);
    expect(r.err).toContain(`10 bills read = 7 settled + 0 replayed + 1 reversed + 2 rejected (see ${rejects})`);
  });

  it('bills the policy or the ledger refuses are rejected per row; unreadable rows too', () => {
    const text = `${HEADER}A,P,2023-01-01,resident,,7,100.00,0,0\nB,P,2022-12-31,resident,,3,100.00,0,0\n"C,P,2023-01-01\nD,P,2023-02-01,resident,,3,100.00,0,0\nD,P,2023-02-01,resident,,3,200.00,0,0\n\nE,,,,,,,,\n`;
    const r = drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), '-'], text);
    expect(r.code).toBe(3);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['bill_id'], x['status'], x['reason']])).toEqual([
      ['A', 'rejected', 'hospital_level.unknown'],
      ['B', 'rejected', 'date.outside_policy_year'],
      ['', 'rejected', 'row.malformed'],
      ['D', 'settled', ''],
      ['D', 'rejected', 'bill_id.conflict'],
      ['E', 'rejected', 'person_id.missing|date.missing|insured_type.missing|hospital_level.missing|total_cost.missing|out_of_scope.missing|pre_self_pay.missing'],
    ]);
    expect(rows[4]!['detail']).toMatch(/^line 6: bill D was already settled with different content/);
    expect(r.err).toContain('6 bills read = 1 settled + 0 replayed + 0 reversed + 5 rejected; 1 blank line skipped');
  });

  it('--trace adds the calculation steps; --format jsonl writes whole settlements', () => {
    const bills = `${HEADER}W1,R1,2023-05-01,resident,extreme_poverty,3,200000.00,10000.00,6000.00\n`;
    const traced = drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), '--trace', '-'], bills);
    const trace = csv(traced.out)[0]!['trace']!;
    expect(trace.split('\n')[0]).toBe(' 1. amounts: in-scope = total 200000.00 − out of scope 10000.00 − pre-self-pay 6000.00 = 184000.00');
    expect(trace).toContain('critical_illness: band 0.00–100000.00 at 60%: 52050.00 × 60% = 31230.00');
    const json = drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), '--format', 'jsonl', '-'], bills);
    const line = JSON.parse(json.out.trim()) as { line: number; status: string; settlement: { patient: number; layers: { id: string; paid: number }[] } };
    expect(line.line).toBe(2);
    expect(line.status).toBe('settled');
    expect(line.settlement.patient).toBe(2445500);
    expect(line.settlement.layers.map((l) => [l.id, l.paid])).toEqual([['basic', 11895000], ['critical_illness', 3123000], ['assistance', 2536500], ['assistance_2', 0]]);
  });

  it('other policies: bed-day (Changchun), single disease (Panjin)', () => {
    const cc = drg(['settle', '--policy', 'changchun-2023', '--ledger', ledger(), '-'], 'bill_id,person_id,date,insured_type,hospital_level,total_cost,out_of_scope,pre_self_pay,department,los\nM1,P,2023-03-01,resident,3,8000.00,0,0,psychiatry,45\n');
    expect(csv(cc.out)[0]).toMatchObject({ method: 'bed_day', rule: 'psychiatric-bed-day', standard: '5985.00', basis: '5985.00', hospital_difference: '-2015.00' });
    const pj = drg(['settle', '--policy', 'panjin-2020', '--ledger', ledger(), '-'], 'bill_id,person_id,date,insured_type,hospital_level,total_cost,out_of_scope,pre_self_pay,diagnoses\nS1,P,2020-03-01,resident,2,5000.00,0,0,K35.800x001\n');
    expect(csv(pj.out)[0]).toMatchObject({ method: 'single_disease', rule: 'single-disease:PJ01', standard: '6500.00', basis: '5000.00', extra_fund: '1500.00' });
  });
});

describe('drg settle: errors', () => {
  it('a broken policy: exit 1, naming the file and JSON path, no output file', () => {
    const policy = JSON.parse(readFileSync(join(ROOT, 'policies/zibo-2023.json'), 'utf8')) as { critical_illness: { types: { resident: { bands: { from: number }[] } } } };
    policy.critical_illness.types.resident.bands[2]!.from = 150000;
    const path = file('broken.json', JSON.stringify(policy));
    const out = join(tmp, 'never.csv');
    const r = drg(['settle', '--policy', path, '--ledger', ledger(), EXAMPLE, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`drg settle: invalid policy ${path}: ${path}, $.critical_illness.types.resident.bands[2].from: band 2 (from 150000.00) overlaps band 1 (to 200000.00)\n`);
    expect(existsSync(out)).toBe(false);
  });
  it('an unknown policy name, a missing column, a bad command line', () => {
    expect(drg(['settle', '--policy', 'atlantis-2023', '--ledger', ledger(), EXAMPLE])).toMatchObject({ code: 1, err: expect.stringContaining('atlantis-2023.json: no such file') });
    expect(drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), '-'], 'bill_id,person_id\nA,P\n')).toMatchObject({ code: 1, err: expect.stringContaining('missing required columns date, insured_type') });
    expect(drg(['settle', '--policy', 'zibo-2023', EXAMPLE])).toMatchObject({ code: 2, err: expect.stringContaining('--ledger is required') });
    expect(drg(['settle', '--policy', 'zibo-2023', '--ledger', ledger(), '--commit-every', '0', EXAMPLE])).toMatchObject({ code: 2 });
    expect(drg(['settle', '--policy', 'zibo-2023', '--ledger', join(tmp, 'no/such/dir/l.db'), EXAMPLE])).toMatchObject({ code: 1, err: expect.stringContaining('does not exist') });
  });
  it('a ledger file that is not a ledger: exit 1, a message naming the file, no output file (both modes)', () => {
    const other = ledger();
    const db = new Database(other);
    db.exec("CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID; INSERT INTO ledger_meta VALUES ('schema_version', '1')");
    db.close();
    const junk = file('junk.db', 'not a database at all, just text\n'.repeat(100));
    const out = join(tmp, 'never-ledger.csv');
    for (const mode of [[], ['--lockstep']]) {
      expect(drg(['settle', '--policy', 'zibo-2023', '--ledger', other, ...mode, EXAMPLE, '-o', out])).toMatchObject({
        code: 1,
        err: `drg settle: cannot open the ledger ${other}: ledger ${other} has schema version 1; this engine reads version 2\n`,
      });
      expect(drg(['settle', '--policy', 'zibo-2023', '--ledger', junk, ...mode, EXAMPLE, '-o', out])).toMatchObject({ code: 1, err: `drg settle: cannot open the ledger ${junk}: file is not a database\n` });
      expect(existsSync(out)).toBe(false);
    }
  });
  it('leaves no temporary files behind', () => {
    expect(readdirSync(tmp).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});
