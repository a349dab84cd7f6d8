// DIP library examples from the README. Run after set-up: node examples/dip-library.mjs
import {
  loadDirectory,
  groupDipCase,
  scoreDipCase,
  whatIfDip,
  deviationScore,
  buildDirectory,
  relativeScore,
  weightedMean,
  yearWeights,
  settlementPointValue,
  hospitalSettlement,
  formatYuan,
} from 'drg-engine';

const dir = await loadDirectory('examples/dip/directory');

// Group, then score (money in fen: 50,000.00 yuan = 5,000,000 fen).
const c = { id: 'D02', diagnoses: ['K35.800x001'], procedures: ['47.0100'], total_cost: 5_000_000, hospital_level: 3 };
const g = groupDipCase(dir, c);
console.log(g.groupCode, g.kind, g.match); // K35.8-S01 core-surgical full
const { score } = scoreDipCase(dir, c, { trace: true });
console.log(score.deviation, score.score.toFixed(), formatYuan(score.payment)); // high 300 30000.00
console.log(score.trace.join('\n'));

// Every group the case could reach, with its score and payment.
for (const w of whatIfDip(dir, { ...c, procedures: ['47.0100', '54.5100'] })) {
  console.log(`${w.chosen ? '→' : ' '} ${w.group.code} ${w.match} ${w.score.toFixed()} ${formatYuan(w.payment)}`);
}

// The deviation rule on its own: score 200, standard 20,000.
console.log([50000, 8000, 30000].map((cost) => deviationScore(200, 20000, cost, dir).score.toFixed())); // [ '300', '80', '200' ]

// Scores from yearly means weighted 1:2:7.
const w = yearWeights([2022, 2023, 2024]);
const m = weightedMean(new Map([[2022, 9000], [2023, 9500], [2024, 10200]]), w);
const M = weightedMean(new Map([[2022, 5000], [2023, 5200], [2024, 5500]]), w);
console.log(m.toFixed(), M.toFixed(), relativeScore(m, M).toFixed(2)); // 9940 5390 1844.16

// Settlement point value and a hospital's settlement (fen in, fen out).
console.log(settlementPointValue(8_000_000_000, '0.8', 1_000_000).toFixed(2)); // 100.00
console.log(formatYuan(hospitalSettlement([{ scores: 50_000, pointValue: 100, fundPaymentRatio: '0.8' }], '0.98', 2_000_000))); // 3900000.00

// Build a directory from cases in memory (procedure types from your table).
const history = Array.from({ length: 40 }, (_, i) => ({ diagnoses: ['K35.800'], procedures: i < 20 ? ['47.0100'] : [], total_cost: (i < 20 ? 1_000_000 : 300_000) + i, year: 2024 }));
const built = buildDirectory(history, { procedureTypes: new Map([['47.0100', 'surgery']]) });
console.log(built.groups.map((x) => `${x.group_code} ${x.kind} ${x.score}`)); // [ 'K35.8-C core-conservative 461.57', 'K35.8-S01 core-surgical 1538.43' ]
