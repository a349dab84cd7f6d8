/**
 * Auxiliary subtype conditions, one kind at a time: age bands (days or
 * years), death, severity (listed secondary diagnosis and LOS above a
 * bound), ICU-day bands, Charlson comorbidity index bands.
 */
import { describe, expect, it } from 'vitest';
import { auxiliarySchema } from '../groupers/dip/format.js';
import { charlsonIndex, compileSubtypes, type SubtypeInput } from '../groupers/dip/subtypes/index.js';

const base: SubtypeInput = { age: 40, ageDays: null, los: 5, discharge: 1, icuDays: null, secondary: [] };
const held = (config: unknown, c: Partial<SubtypeInput>) =>
  compileSubtypes(auxiliarySchema.parse(config))
    .filter((r) => r.test({ ...base, ...c }))
    .map((r) => r.code);

describe('auxiliary subtypes', () => {
  const ages = {
    age: [
      { name: '0-28d', unit: 'days', from: 0, to: 28 },
      { name: '29d-1y', unit: 'days', from: 29, to: 365 },
      { name: '1-6', unit: 'years', from: 1, to: 6 },
      { name: '65+', unit: 'years', from: 65 },
    ],
  };

  it('age bands in days use age_days, else age × 365; in years age, else age_days ÷ 365', () => {
    expect(held(ages, { age: 0, ageDays: 10 })).toEqual(['age:0-28d']);
    expect(held(ages, { age: 0, ageDays: 200 })).toEqual(['age:29d-1y']);
    expect(held(ages, { age: 3 })).toEqual(['age:1-6']);
    expect(held(ages, { age: null, ageDays: 800 })).toEqual(['age:1-6']);
    expect(held(ages, { age: 80 })).toEqual(['age:65+']);
    expect(held(ages, { age: null, ageDays: null })).toEqual([]);
  });

  it('death is discharge type 5', () => {
    expect(held({ death: true }, { discharge: 5 })).toEqual(['death']);
    expect(held({ death: true }, { discharge: 1 })).toEqual([]);
    expect(held({ death: false }, { discharge: 5 })).toEqual([]);
  });

  it('severity needs a listed secondary diagnosis (by prefix) and a stay above the bound', () => {
    const config = { severity: [{ name: 'severe', diagnoses: ['R57', 'A41', 'J96.0'], los_over: 3 }, { name: 'moderate', diagnoses: ['E87'] }] };
    expect(held(config, { secondary: ['a41.900'], los: 4 })).toEqual(['severity:severe']);
    expect(held(config, { secondary: ['A41.900'], los: 3 })).toEqual([]);
    expect(held(config, { secondary: ['J96.100'], los: 9 })).toEqual([]);
    expect(held(config, { secondary: ['E87.100', 'R57.000'], los: 9 })).toEqual(['severity:severe', 'severity:moderate']);
  });

  it('ICU-day bands read icu_days', () => {
    const config = { icu: [{ name: '2-7', from: 2, to: 7 }, { name: '8-14', from: 8, to: 14 }, { name: '31+', from: 31 }] };
    expect(held(config, { icuDays: 2 })).toEqual(['icu:2-7']);
    expect(held(config, { icuDays: 14 })).toEqual(['icu:8-14']);
    expect(held(config, { icuDays: 40 })).toEqual(['icu:31+']);
    expect(held(config, { icuDays: 1 })).toEqual([]);
    expect(held(config, { icuDays: null })).toEqual([]);
  });

  it('the Charlson index counts each condition once, and a condition replaces the milder one', () => {
    const cci = {
      conditions: [
        { name: 'mi', weight: 1, codes: ['I21', 'I22', 'I25.2'] },
        { name: 'diabetes', weight: 1, codes: ['E10.9', 'E11.9'] },
        { name: 'diabetes-complicated', weight: 2, codes: ['E10.2', 'E11.2'], replaces: ['diabetes'] },
        { name: 'metastatic', weight: 6, codes: ['C77', 'C78', 'C79'] },
      ],
      bands: [
        { name: '1-2', from: 1, to: 2 },
        { name: '3-4', from: 3, to: 4 },
        { name: '5+', from: 5 },
      ],
    };
    const config = auxiliarySchema.parse({ cci });
    expect(charlsonIndex(config.cci!, ['I21.000', 'I22.100'])).toBe(1);
    expect(charlsonIndex(config.cci!, ['E11.900', 'E11.200x001'])).toBe(2);
    expect(charlsonIndex(config.cci!, ['I21.000', 'E11.900', 'C78.000'])).toBe(8);
    expect(held({ cci }, { secondary: ['I21.000', 'E11.200'] })).toEqual(['cci:3-4']);
    expect(held({ cci }, { secondary: ['C79.500'] })).toEqual(['cci:5+']);
    expect(held({ cci }, { secondary: [] })).toEqual([]);
  });

  it('rejects bad configurations', () => {
    expect(auxiliarySchema.safeParse({ icu: [{ name: '7-2', from: 7, to: 2 }] }).success).toBe(false);
    expect(auxiliarySchema.safeParse({ age: [{ name: 'x', from: 1 }] }).success).toBe(false); // unit missing
    expect(auxiliarySchema.safeParse({ tumour: true }).success).toBe(false); // unknown kind
  });
});
