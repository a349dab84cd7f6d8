// The quality checks from the library (run after set-up: node examples/qc-library.mjs).
import { checkCase, hasError, loadQcConfig, loadScheme, qcConfig, summarise, summaryCsv, tallyCase } from 'drg-engine';

const scheme = await loadScheme('chs-drg-1.1');
const config = qcConfig(); // the defaults; loadQcConfig('examples/qc-region.json') for a region's

// At the hospital desk: one case, before upload.
const findings = checkCase(
  { id: 'D1', sex: 2, age: 68, los: 6, discharge: 1, diagnoses: ['N40.x00', 'I10.x05'], procedures: ['60.2901'], total_cost: 2100000 },
  scheme,
  config,
);
for (const f of findings) console.log(`${f.severity} ${f.rule} ${f.field}=${f.value}: ${f.message}`);
console.log('blocks grouping:', hasError(findings));

// In bulk: a tally per hospital, then the summary.
const tally = {};
const cases = [
  { id: 'B1', sex: 1, age: 40, los: 3, discharge: 1, diagnoses: ['K35.800x001'], procedures: ['47.0100'], total_cost: 980000, hospital_id: 'H1' },
  { id: 'B2', sex: 1, age: 45, los: 6, discharge: 1, diagnoses: ['R50.900', 'J18.900'], total_cost: 760000, hospital_id: 'H1' },
  { id: 'B3', sex: 1, age: 30, los: 5, discharge: 1, diagnoses: ['W19.x00', 'S72.000'], procedures: ['79.3501'], total_cost: 4800000, hospital_id: 'H2' },
];
for (const c of cases) tallyCase(tally, c.hospital_id, checkCase(c, scheme, config));
process.stdout.write(summaryCsv(summarise(tally, config.params.score_warning_weight)));

const region = loadQcConfig(new URL('./qc-region.json', import.meta.url).pathname);
console.log(checkCase(cases[1], scheme, region).map((f) => `${f.severity} ${f.rule}`));
