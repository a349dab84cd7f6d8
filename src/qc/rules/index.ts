/**
 * The registry of quality-check rules, in the order they run (and their
 * findings are listed). Adding a rule is one module and one line here; rule
 * ids are stable and never reused.
 */
import type { QcRule } from '../types.js';
import { ageDaysOverOneYear } from './age-days-over-one-year.js';
import { ageObstetric } from './age-obstetric.js';
import { agePerinatal } from './age-perinatal.js';
import { codeDxDuplicate, codePxDuplicate } from './code-duplicate.js';
import { codeGray } from './code-gray.js';
import { codeDxUnknown, codePxUnknown } from './code-unknown.js';
import { costItemised } from './cost-itemised.js';
import { costNegative } from './cost-negative.js';
import { costShares } from './cost-shares.js';
import { datesLos } from './dates-los.js';
import { datesOrder } from './dates-order.js';
import { deliveryBirthWeight } from './delivery-birth-weight.js';
import { rowMalformed, valueUnreadable } from './input.js';
import { newbornBirthWeight } from './newborn-birth-weight.js';
import { principalExternalCause } from './principal-external-cause.js';
import { principalPxSecondaryOnly } from './principal-px-secondary-only.js';
import { principalSecondaryOnly } from './principal-secondary-only.js';
import { principalSymptom } from './principal-symptom.js';
import { rangeAgeDays } from './range-age-days.js';
import { rangeDischarge } from './range-discharge.js';
import { rangeSex } from './range-sex.js';
import { rangeAge, rangeBirthWeight, rangeLos, rangeVentHours } from './range.js';
import { requiredAgeDays } from './required-age-days.js';
import { requiredAge, requiredDiagnoses, requiredDischarge, requiredId, requiredLos, requiredSex, requiredTotalCost } from './required.js';
import { sexDx, sexPx } from './sex-specific.js';
import { ventLos } from './vent-los.js';

export const QC_RULES: readonly QcRule[] = [
  // The reader's findings
  rowMalformed,
  valueUnreadable,
  // Required fields
  requiredId,
  requiredSex,
  requiredAge,
  requiredAgeDays,
  requiredDiagnoses,
  requiredLos,
  requiredDischarge,
  requiredTotalCost,
  // Values in range
  rangeSex,
  rangeAge,
  rangeAgeDays,
  ageDaysOverOneYear,
  rangeBirthWeight,
  rangeLos,
  rangeDischarge,
  rangeVentHours,
  datesOrder,
  datesLos,
  // Codes
  codeDxUnknown,
  codePxUnknown,
  codeGray,
  codeDxDuplicate,
  codePxDuplicate,
  // Principal diagnosis and procedure
  principalExternalCause,
  principalSecondaryOnly,
  principalSymptom,
  principalPxSecondaryOnly,
  // Sex and age
  sexDx,
  sexPx,
  agePerinatal,
  ageObstetric,
  newbornBirthWeight,
  deliveryBirthWeight,
  // Ventilation and costs
  ventLos,
  costNegative,
  costShares,
  costItemised,
];

export const RULES_BY_ID: ReadonlyMap<string, QcRule> = new Map(QC_RULES.map((r) => [r.id, r]));
