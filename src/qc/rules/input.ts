/**
 * Findings made by the case reader rather than by a check: a value that
 * cannot be read (`age` = `forty`), and a CSV record that cannot be parsed at
 * all. They are rules like the others, so that a region can change their
 * severity and every finding names a registered rule.
 */
import type { QcRule } from '../types.js';

export const valueUnreadable: QcRule = {
  id: 'value.unreadable',
  severity: 'error',
  fields: [],
  description: 'every value can be read (numbers, amounts with at most 2 decimals, YYYY-MM-DD dates)',
  check: null,
};

export const rowMalformed: QcRule = {
  id: 'row.malformed',
  severity: 'error',
  fields: [],
  description: 'the CSV record can be parsed into a row of the header width',
  check: null,
};
