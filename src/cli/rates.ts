/**
 * `drg rates`: the rate (rate method) or the provisional point value (point
 * method) from a weight table, a forecast of cases per DRG and a budget, and
 * the table of payment standards per DRG that follows.
 */
import { resolve } from 'node:path';
import { csvLine } from '../io/csv.js';
import { Decimal, type Fen, formatYuan, parseYuan } from '../money.js';
import { resolveSchemeDir } from '../paths.js';
import { loadSchemeSync } from '../../groupers/chs-drg/index.js';
import { fixed } from '../../weights/cells.js';
import { basePoints, computeRate, forecastPoints, loadForecast, paymentStandard, pointValue, type ForecastRow } from '../../weights/rates.js';
import { loadWeightTable, weightFor } from '../../weights/table.js';
import { HELP_FLAG, oneOf, OUTPUT_FLAG, parseCommand, required } from './args.js';
import { EXIT, FatalError, UsageError } from './errors.js';
import { AtomicOutput } from './files.js';

export const usage = `Usage: drg rates --weights <table.csv> --forecast <forecast.csv> [options]

Rate method (default):
  rate = budget / Σ(forecast cases × RW), the budget being the forecast total
  cost, or the fund budget ÷ --fund-share; one rate per hospital level with
  --level-budgets. Writes the standard of each DRG: RW × rate (coefficient 1).
Point method (--method points):
  provisional point value = (fund budget + patients' share) / Σ(forecast cases
  × RW × points per RW). Writes the base points of each DRG.

The forecast is a CSV drg,cases[,level] (level for per-level rates).

Options:
  --weights <file>          weight table CSV
  --forecast <file>         forecast cases per DRG
  --scheme <dir|name>       check the weight table against a scheme (optional)
  --method <m>              rate (default) or points
  --budget <yuan>           rate: the budget (total cost, or fund budget with --fund-share)
  --fund-share <x>          rate: the fund's share of total cost (budget ÷ share)
  --level-budgets <list>    rate: one budget per level, e.g. 3=80000000,2=40000000
  --decimals <n>            decimals of the published rate or point value (default 2 / 4)
  --fund-budget <yuan>      points: the DRG fund budget
  --patient-share <yuan>    points: the patients' expected share
  --per-rw <n>              points: points per unit of RW (default 100)
  -o, --output <file>       the standards table (default: standard output)
  -q, --quiet               no summary
  -h, --help                this text`;

function yuan(v: string | undefined, flag: string): Fen {
  const t = required(v, flag);
  const f = parseYuan(t);
  if (f === undefined || f < 0) throw new UsageError(`${flag} must be an amount in yuan (got ${t})`);
  return f;
}

function decimal(v: string, flag: string): Decimal {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`${flag} must be a non-negative decimal number (got ${v})`);
  return new Decimal(v);
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    weights: { type: 'string' },
    forecast: { type: 'string' },
    scheme: { type: 'string' },
    method: { type: 'string' },
    budget: { type: 'string' },
    'fund-share': { type: 'string' },
    'level-budgets': { type: 'string' },
    decimals: { type: 'string' },
    'fund-budget': { type: 'string' },
    'patient-share': { type: 'string' },
    'per-rw': { type: 'string' },
    ...OUTPUT_FLAG,
    quiet: { type: 'boolean', short: 'q' },
    ...HELP_FLAG,
  }, usage);
  if (parsed === null) return EXIT.ok;
  const { values } = parsed;
  const method = oneOf(values.method, '--method', ['rate', 'points'] as const, 'rate');
  const scheme = values.scheme !== undefined ? loadSchemeSync(resolveSchemeDir(values.scheme)) : undefined;
  const weights = loadWeightTable(resolve(required(values.weights, '--weights')), scheme !== undefined ? { scheme } : {});
  const forecast = loadForecast(resolve(required(values.forecast, '--forecast')), weights);
  if (values.decimals !== undefined && !/^\d$/.test(values.decimals)) throw new UsageError(`--decimals must be 0–9 (got ${values.decimals})`);
  const quiet = values.quiet === true;
  const say = (s: string) => {
    if (!quiet) process.stderr.write(`drg rates: ${s}\n`);
  };
  const out = new AtomicOutput(values.output);
  try {
    if (method === 'rate') {
      const decimals = Number(values.decimals ?? 2);
      const fundShare = values['fund-share'] !== undefined ? decimal(values['fund-share'], '--fund-share') : undefined;
      const rates = new Map<number | null, Decimal>();
      if (values['level-budgets'] !== undefined) {
        if (values.budget !== undefined) throw new UsageError('give --budget or --level-budgets, not both');
        for (const part of values['level-budgets'].split(',')) {
          const m = /^\s*([1-9])\s*=\s*(\S+)\s*$/.exec(part);
          if (m === null) throw new UsageError(`--level-budgets takes level=yuan pairs, e.g. 3=80000000,2=40000000 (got ${part})`);
          const level = Number(m[1]);
          const r = computeRate({ budget: yuan(m[2], `--level-budgets ${level}`), ...(fundShare !== undefined ? { fundShare } : {}), forecast, weights, level, decimals });
          rates.set(level, r.rate);
          say(`level ${level}: rate ${r.rate} = ${r.totalCost.toFixed(2)} / ${r.totalWeight} (Σ forecast cases × RW over ${r.cases} cases)`);
        }
      } else {
        const r = computeRate({ budget: yuan(values.budget, '--budget'), ...(fundShare !== undefined ? { fundShare } : {}), forecast, weights, decimals });
        rates.set(null, r.rate);
        say(`rate ${r.rate} = ${r.totalCost.toFixed(2)}${fundShare !== undefined ? ` (budget ÷ fund share ${fundShare})` : ''} / ${r.totalWeight} (Σ forecast cases × RW over ${r.cases} cases)`);
      }
      out.stream.write(csvLine(['drg', 'level', 'rw', 'forecast_cases', 'rate', 'standard']));
      for (const f of forecastRows(forecast, rates)) {
        const rate = rates.get(f.level) ?? rates.get(null)!;
        const w = weightFor(weights, f.drg, f.level)!;
        out.stream.write(csvLine([f.drg, f.level === null ? '' : String(f.level), w.rw.toString(), String(f.cases), fixed(rate, decimals), formatYuan(paymentStandard(w.rw, rate))]));
      }
    } else {
      const decimals = Number(values.decimals ?? 4);
      const perRw = decimal(values['per-rw'] ?? '100', '--per-rw');
      const points = forecastPoints(forecast, weights, perRw);
      const pv = pointValue({ fundBudget: yuan(values['fund-budget'], '--fund-budget'), patientShare: yuan(values['patient-share'], '--patient-share'), totalPoints: points, decimals });
      say(`provisional point value ${fixed(pv, decimals)} = (fund budget ${values['fund-budget']} + patients' share ${values['patient-share']}) / ${points} forecast points`);
      out.stream.write(csvLine(['drg', 'level', 'rw', 'forecast_cases', 'base_points', 'point_value', 'standard']));
      for (const f of forecast) {
        const w = weightFor(weights, f.drg, f.level)!;
        const base = w.points ?? basePoints(w.rw, perRw);
        out.stream.write(csvLine([f.drg, f.level === null ? '' : String(f.level), w.rw.toString(), String(f.cases), base.toString(), fixed(pv, decimals), formatYuan(paymentStandard(base, pv))]));
      }
    }
    await out.commit();
    return EXIT.ok;
  } catch (err) {
    out.abort();
    if (err instanceof RangeError) throw new FatalError(err.message);
    throw err;
  }
}

/** Forecast rows with a rate: all rows, or only the levels that got one. */
function forecastRows(forecast: readonly ForecastRow[], rates: ReadonlyMap<number | null, Decimal>): ForecastRow[] {
  return rates.has(null) ? [...forecast] : forecast.filter((f) => f.level !== null && rates.has(f.level));
}
