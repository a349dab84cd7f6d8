/**
 * The compiled directory as plain data (groupers/dip/snapshot.ts): what the
 * main thread hands to worker threads. Restored after a structured clone (as
 * workerData is), it must be the directory compile.ts builds, and group and
 * score every case the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directorySnapshot, restoreDirectory, type CompiledDirectory } from '../groupers/dip/index.js';
import { RecordSplitter } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { DipGroupJob, type DipGroupJobSpec } from '../src/jobs/dip-group.js';
import { ROOT } from './helpers.js';
import { DIP_MINI, dipCopy, dipMini } from './dip-helpers.js';
import { loadDirectorySync } from '../groupers/dip/index.js';

/**
 * Everything but the load time; key indexes as their key lists (their look-up tables keep
 * scratch state) and subtype rules as code and label (their tests are closures, compiled anew).
 */
const comparable = (d: CompiledDirectory) => ({ ...d, loadMs: 0, dxKeys: d.dxKeys.keys, procs: d.procs.keys, subtypes: d.subtypes.map((s) => [s.code, s.label]) });
const roundTrip = (d: CompiledDirectory) => restoreDirectory(structuredClone(directorySnapshot(d)));

describe('directory snapshot', () => {
  it('restores the mini directory exactly as compiled (groups, key tables, packed sets, subtypes, coefficients)', () => {
    const d = dipMini();
    const r = roundTrip(d);
    expect(comparable(r)).toEqual(comparable(d));
    // Spot checks of what toEqual compares structurally.
    expect(r.byCode.get('K35.8-S02')!.related.map((t) => [...t])).toEqual(d.byCode.get('K35.8-S02')!.related.map((t) => [...t]));
    expect(r.dxKeys.lookupRange('xk35.8x', 1, 6)).toBe(d.dxKeys.lookupRange('xk35.8x', 1, 6));
    for (const k of d.dxKeys.keys) expect(r.dxKeys.get(k.toLowerCase())).toBe(d.dxKeys.get(k));
    for (const k of d.procs.keys) expect(r.procs.get(k)).toBe(d.procs.get(k));
    expect(r.subtypes.map((s) => s.code)).toEqual(d.subtypes.map((s) => s.code));
    expect([...r.groups.flatMap((g) => [...g.subtypeCoefficients].map(([s, k]) => `${g.code}:${s}=${k.toFixed()}`))]).toEqual([...d.groups.flatMap((g) => [...g.subtypeCoefficients].map(([s, k]) => `${g.code}:${s}=${k.toFixed()}`))]);
    expect(r.groups.some((g) => g.subtypeCoefficients.size > 0)).toBe(true);
  });

  it('keeps scores exact to every digit the format allows', () => {
    const dir = dipCopy({ 'directory.csv': (t) => t.replace(',,,200.00,20000.00,120', ',,,123456789012345.123456789012,20000.00,120') });
    const d = loadDirectorySync(dir);
    expect(d.byCode.get('K35.8-S01')!.score.toFixed()).toBe('123456789012345.123456789012');
    expect(roundTrip(d).groups.map((g) => g.score.toFixed())).toEqual(d.groups.map((g) => g.score.toFixed()));
  });

  it('groups and scores the example cases byte for byte as the loaded directory does', () => {
    const text = readFileSync(join(ROOT, 'examples/dip/cases.csv'), 'utf8');
    const d = dipMini();
    const run = (loaded: { directory?: CompiledDirectory }, compiled?: DipGroupJobSpec['compiled']): string => {
      const splitter = new RecordSplitter<string>(1 << 16, 1000, true);
      const batches = [...splitter.push(text), ...splitter.end()];
      const spec: DipGroupJobSpec = { kind: 'dip-group', directory: DIP_MINI, format: 'csv', trace: false, rejects: false, header: parseHeader(batches[0]!.text), columns: [], newline: '\n', pointValue: null, ...(compiled !== undefined ? { compiled } : {}) };
      const job = new DipGroupJob(spec, loaded);
      return batches.slice(1).map((b) => Buffer.from(job.run(b).out as Uint8Array).toString('utf8')).join('');
    };
    const loaded = run({ directory: d });
    expect(loaded.split('\n').length).toBeGreaterThan(5);
    // A job given only the snapshot (as a worker is) restores the directory from it.
    expect(run({}, structuredClone(directorySnapshot(d)))).toBe(loaded);
  });
});
