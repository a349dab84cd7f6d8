/**
 * `drg qc` and `drg group --qc` check clean lines on the fused reader
 * (src/jobs/qc-fast.ts: no cell arrays, no case objects) and everything else
 * on the generic path. Both paths must give the same bytes: findings, group
 * results, rejects, counts and per-hospital tallies — on crafted rows with
 * odd values (malformed numbers, amounts and dates, quoted cells, spaces,
 * empty code items, unknown and sex-specific codes, itemised costs) and on
 * headers that lack columns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseDecoder } from '../src/case/decode.js';
import { RecordSplitter } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { FusedReader } from '../src/jobs/group-fast.js';
import { ByteWriter } from '../src/io/bytes.js';
import { csvField } from '../src/io/csv.js';
import { GroupJob, type GroupJobSpec } from '../src/jobs/group.js';
import { findingsCell, writeFindingsCell } from '../src/jobs/group-qc.js';
import type { Finding } from '../src/qc/types.js';
import { QcJob, type QcJobSpec } from '../src/jobs/qc.js';
import { qcConfig } from '../src/qc/config.js';
import { scheme } from './helpers.js';

const s = scheme('chs-drg-1.1');
const config = qcConfig();

function batchesOf(text: string) {
  const splitter = new RecordSplitter<string>(4096, 50, true);
  const batches = [...splitter.push(text), ...splitter.end()];
  return { header: parseHeader(batches[0]!.text), batches: batches.slice(1), newline: text.includes('\r\n') ? ('\r\n' as const) : ('\n' as const) };
}

const bytes = (out: string | Uint8Array): string => (typeof out === 'string' ? out : Buffer.from(out).toString('utf8'));

/** Jobs by header, newline and options: building one compiles the checker (a fraction of a second). */
const jobs = new Map<string, QcJob | GroupJob>();
function cached<J extends QcJob | GroupJob>(key: string, make: () => J): J {
  let j = jobs.get(key);
  if (j === undefined) jobs.set(key, (j = make()));
  return j as J;
}

/** Everything a qc job gives for a document: findings, rejects, counts, tally. */
function qc(text: string, fused: boolean, rejects: boolean): string {
  const { header, batches, newline } = batchesOf(text);
  const spec: QcJobSpec = { kind: 'qc', scheme: '', config: null, rejects, header, columns: [], newline };
  const job = cached(JSON.stringify(spec) + fused, () => new QcJob(spec, { scheme: s, config, fused }));
  return batches.map((b) => {
    const r = job.run(b);
    return `${bytes(r.out)}${r.rejects}${JSON.stringify(r.counts)}${JSON.stringify(r.aggregate)}`;
  }).join('');
}

/** Everything a group job with --qc gives for a document. */
function groupQc(text: string, fused: boolean, format: 'csv' | 'jsonl'): string {
  const { header, batches, newline } = batchesOf(text);
  const spec: GroupJobSpec = { kind: 'group', scheme: '', compare: null, format, trace: false, translate: false, rejects: true, header, columns: [], newline, qc: { config: null } };
  const job = cached(JSON.stringify(spec) + fused, () => new GroupJob(spec, { scheme: s, compare: null, fused }));
  return batches.map((b) => {
    const r = job.run(b);
    return `${bytes(r.out)}${r.rejects}${JSON.stringify(r.counts)}`;
  }).join('');
}

function same(text: string): void {
  for (const rejects of [false, true]) expect(qc(text, true, rejects)).toBe(qc(text, false, rejects));
  for (const format of ['csv', 'jsonl'] as const) expect(groupQc(text, true, format)).toBe(groupQc(text, false, format));
}

const FULL = 'id,sex,age,age_days,birth_weight,los,discharge,diagnoses,procedures,vent_hours,total_cost,out_of_scope,pre_self_pay,hospital_id,hospital_level,admit_date,discharge_date,cost_bed,cost_drug';

describe('the fused qc path gives the same bytes as the generic path', () => {
  it('takes the fused path for the headers below', () => {
    for (const h of [FULL, 'id,sex,age,diagnoses', 'diagnoses,age,sex,id,total_cost,cost_lab']) expect(FusedReader.for(new CaseDecoder(h.split(',')))).not.toBeNull();
  });

  it('on crafted rows: each rule, odd values, quoted cells, itemised costs', () => {
    const rows = [
      'A1,1,40,,,5,1,K35.800x001,47.0100,,1000.00,10.00,5.00,H1,3,2024-01-01,2024-01-06,500.00,500.00', // clean
      'A2,2,40,,,5,1,N40.x00|K35.800x001,60.2100,,1000.00,,,H1,3,2024-01-01,2024-01-06,,', // male codes for a woman
      'A3,2,75,,,5,1,O80.000|P07.100|R10.400,,,1000,,, H2 ,2,2024-01-06,2024-01-01,600.00,300.00', // obstetric, perinatal, dates reversed, costs off
      'A4,1,40,,,3,1,k35.800X001| K35.800x001 ||X99.999,47.0100|47.0100|99.9999,999,-0.00,-0.5,+2.5,H2,2,2024-02-28,2024-03-01,-0.00,0.00', // case, spaces, duplicates, unknown, negatives, vent
      'A5,1,0,10,,5,1,P22.000,,,1000.00,,,,1,2024-01-01,2024-01-06,1 000,', // newborn without weight; a cost cell that is not a plain amount
      'A6,1,0,10,,5,1,P22.000,,,1000.00,,,H3,1,2024-01-01,2024-01-06, 100.00 ,900.00', // cost cell with spaces
      'A7,x,forty,,,5,1,K35.800x001,,,12.345,,,H3,1,2024-13-01,2024-01-06,,', // unreadable values
      '"A8",1,40,,,5,1,"K35.800x001|J18.900",,,"1,000.00",,,H3,1,2024-01-01,2024-01-06,,', // quoted cells
      'A9,1,40,,,5,1,K35.800x001', // short row
      ',1,40,,,5,1,,,,,,,,,,,,', // no id, no diagnosis
      'A10,2,30,,,4,1,O80.000|Z37.000,,,800.00,900.00,,H4,2,2024-05-01,2024-05-05,,', // delivery without weight, shares over total
      'A11,1,40,,,5,1,V01.000|R10.400|K35.800x001,,,1000.00,,,H4,2,2024-01-01,2024-01-01,,', // external cause principal, same-day stay
      '',
      'A12,1,200,400,9000,-1,7,A00.000,,99999,1000.00,,,H4,2,,,,',
    ];
    same(`${FULL}\n${rows.join('\n')}\n`);
    same(`${FULL}\r\n${rows.join('\r\n')}\r\n`);
    // The rows reach the rules they are written for (on the fused path where they are clean).
    const found = new Set(qc(`${FULL}\n${rows.join('\n')}\n`, true, false).split('\n').map((l) => l.split(',')[2]));
    for (const rule of ['sex.dx', 'sex.px', 'age.obstetric', 'age.perinatal', 'dates.order', 'dates.los', 'code.dx_unknown', 'code.px_unknown', 'code.dx_duplicate', 'code.px_duplicate', 'cost.negative', 'cost.itemised', 'cost.shares', 'newborn.birth_weight', 'delivery.birth_weight', 'principal.external_cause', 'value.unreadable', 'row.malformed', 'required.id', 'required.diagnoses', 'vent.los']) {
      expect(found.has(rule), rule).toBe(true);
    }
  });

  it('on headers without the optional columns, in another order', () => {
    same('id,sex,age,diagnoses\nB1,1,40,N40.x00\nB2,2,70,O80.000|K35.800x001\nB3,,,\n');
    same('diagnoses,age,sex,id,total_cost,cost_lab,hospital_id\nN40.x00|N40.x00,40,2,B1,100.00,90.00,H\nK35.800x001,40,1,B2,,5,\n');
  });

  it('on random rows with odd values', () => {
    const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
    const cell = {
      id: pick('A1', ' A2', '', '"Q,1"', 'x"y'),
      num: pick('', '1', '2', '0', ' 1', '-3', '+4', '2.0', '.5', '1e2', 'x', '45', '007'),
      dx: pick('K35.800x001', 'k35.800X001', ' K35.800x001 ', 'K35.800x001|J18.900', 'J18.900|', '|I63.900', 'X99.999', '', 'P22.000|P07.100', 'N40.x00|O80.000', 'R10.400|K35.800x001', 'K35.800x001|K35.800x001', '"K35.800x001|J18.900"'),
      px: pick('', '47.0100', '47.0100|47.0100', ' 47.0901', '99.9999', '60.2100'),
      money: pick('', '12.34', '1,5', '-0.5', '-0.00', '100', '1.234', ' 5.00', '0'),
      date: pick('', '2024-02-29', '2023-02-29', '2024-03-04', ' 2024-01-01', '20240101'),
      hospital: pick('', 'H1', ' H2 ', 'H,3'),
    };
    const row = fc
      .tuple(cell.id, cell.num, cell.num, cell.num, cell.num, cell.num, cell.dx, cell.px, cell.money, cell.money, cell.hospital, cell.date, cell.date, fc.boolean())
      .map(([id, sex, age, bw, los, dis, dx, px, total, cost, h, admit, discharge, short]) => (short ? `${id},${sex}` : [id, sex, age, bw, los, dis, dx, px, total, cost, h, admit, discharge].join(',')));
    const doc = fc.tuple(fc.array(row, { minLength: 1, maxLength: 40 }), pick('\n', '\r\n')).map(([rows, nl]) => ['id,sex,age,birth_weight,los,discharge,diagnoses,procedures,total_cost,cost_bed,hospital_id,admit_date,discharge_date', ...rows].join(nl) + nl);
    fc.assert(
      fc.property(doc, (text) => same(text)),
      { numRuns: 100, seed: 7 },
    );
  });
});

describe('the findings cell written as bytes', () => {
  it('is csvField(findingsCell(…)): plain, non-ASCII, and values that need quotes', () => {
    const f = (field: string, value: string): Finding => ({ rule: 'sex.dx', severity: 'error', field, value, message: 'm, "x"' });
    for (const findings of [[], [f('diagnoses', 'N40.x00')], [f('diagnoses', 'N40.x00'), f('total_cost', '-1.00'), f('费用_床位', '一')], [f('age', 'forty'), f('cost_bed', '1,5')], [f('x', 'a"b')], [f('x', 'line\nbreak')]]) {
      const w = new ByteWriter(4);
      writeFindingsCell(w, findings);
      expect(Buffer.from(w.take()).toString('utf8')).toBe(csvField(findingsCell(findings)));
    }
  });
});
