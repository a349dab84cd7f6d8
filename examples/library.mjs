// Library examples from the README. Run after set-up: node examples/library.mjs
import { explain, groupCase, loadScheme, parseCase, whatIf } from 'drg-engine';

const scheme = await loadScheme('chs-drg-1.1');

const result = groupCase(scheme, {
  id: 'E06',
  sex: 1,
  age: 74,
  diagnoses: ['I63.900', 'J96.000', 'I10.x05', 'E11.900'],
  procedures: [],
});
console.log(result);

const { text } = explain(scheme, { id: 'E06', sex: 1, age: 74, diagnoses: ['I63.900', 'J96.000'] });
console.log(text);

const w = whatIf(scheme, { id: 'W', sex: 1, age: 67, diagnoses: ['K35.800x001', 'J18.900'], procedures: ['47.0100'] });
console.log(w.principalDiagnosis.map((a) => `${a.code} → ${a.result.drg}${a.changed ? ' (changed)' : ''}`));

const parsed = parseCase({ id: 'X', sex: '2', age: '45', diagnoses: 'K80.101|I10.x05', total_cost: '12345.60' });
console.log(parsed);
