/**
 * A case's codes as the matcher needs them: the principal diagnosis's
 * subcategory and category ids, the procedure ids, the case's procedure type
 * and whether it has a key (combination-forming) procedure.
 *
 * Codes are read from ranges of text — a `|`-separated list cell of a CSV
 * line, or the same list joined for a case object — so the bulk reader and
 * the library take one path: items are trimmed exactly as String.trim does
 * and empty items are skipped, as splitCodes does.
 */
import { ListItems } from '../../src/case/schema.js';
import type { CompiledDirectory } from './directory.js';
import { NO_KEY } from './keys.js';

/** The principal diagnosis could be read (ok), is missing, or does not look like ICD-10. */
export type PrincipalState = 'ok' | 'missing' | 'bad';

/** Reusable per thread: filled by {@link prepareCodes} for each case. */
export class PreparedCodes {
  principalState: PrincipalState = 'missing';
  /** Subcategory and category ids in the directory's dx keys, or NO_KEY. */
  subId = NO_KEY;
  catId = NO_KEY;
  // The principal diagnosis as a range of text: strings are made only when asked for
  // (traces, messages), not for every case of a bulk run.
  private text = '';
  private from = 0;
  private to = 0;
  private subLength = 0;
  /** Procedure ids (NO_KEY for codes the directory does not know), in case order. */
  procIds = new Int32Array(16);
  /** The procedure codes as written (filled only when `keepCodes`). */
  procCodes: string[] = [];
  nProcs = 0;
  /** Highest procedure type rank (0 medical: no procedure). */
  typeRank = 0;
  /** True when some procedure's type forms core combinations. */
  hasKey = false;
  /** The list walker (reused). */
  readonly items = new ListItems();

  /** Set the principal diagnosis to text[from, to), with a subcategory (5 characters) when `withSub`. */
  setPrincipal(text: string, from: number, to: number, withSub: boolean): void {
    this.text = text;
    this.from = from;
    this.to = to;
    this.subLength = withSub ? 5 : 0;
  }

  /** The principal diagnosis as written (trimmed); '' when missing. */
  get principal(): string {
    return this.text.slice(this.from, this.to);
  }
  /** Subcategory (`K35.8`), upper-case; '' when the principal has none. */
  get subcategory(): string {
    return this.principalState === 'ok' ? this.text.slice(this.from, this.from + this.subLength).toUpperCase() : '';
  }
  /** Category (`K35`), upper-case; '' when the principal has none. */
  get category(): string {
    return this.principalState === 'ok' ? this.text.slice(this.from, this.from + 3).toUpperCase() : '';
  }
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Fill `out` from a diagnosis list text[dxFrom, dxTo) and a procedure list
 * pxText[pxFrom, pxTo). `keepCodes` also records procedure code strings
 * (traces, what-if).
 */
export function prepareCodes(d: CompiledDirectory, dxText: string, dxFrom: number, dxTo: number, pxText: string, pxFrom: number, pxTo: number, out: PreparedCodes, keepCodes = false): void {
  // Principal diagnosis: the first non-empty item.
  out.principalState = 'missing';
  out.setPrincipal('', 0, 0, false);
  out.subId = NO_KEY;
  out.catId = NO_KEY;
  const items = out.items;
  items.reset(dxText, dxFrom, dxTo);
  if (items.next()) {
    const a = items.from;
    const b = items.to;
    const withSub = b - a >= 5 && dxText.charCodeAt(a + 3) === 46; /* . */
    out.setPrincipal(dxText, a, b, withSub);
    if (b - a >= 3 && isLetter(dxText.charCodeAt(a)) && isDigit(dxText.charCodeAt(a + 1)) && isDigit(dxText.charCodeAt(a + 2))) {
      out.principalState = 'ok';
      out.catId = d.dxKeys.lookupRange(dxText, a, a + 3);
      if (withSub) out.subId = d.dxKeys.lookupRange(dxText, a, a + 5);
    } else {
      out.principalState = 'bad';
    }
  }
  // Procedures.
  out.nProcs = 0;
  out.typeRank = 0;
  out.hasKey = false;
  if (keepCodes) out.procCodes = [];
  const rank = d.procRank;
  items.reset(pxText, pxFrom, pxTo);
  while (items.next()) {
    const a = items.from;
    const b = items.to;
    const id = d.procs.lookupRange(pxText, a, b);
    if (out.nProcs === out.procIds.length) {
      const grown = new Int32Array(out.procIds.length * 2);
      grown.set(out.procIds);
      out.procIds = grown;
    }
    out.procIds[out.nProcs++] = id;
    if (keepCodes) out.procCodes.push(pxText.slice(a, b));
    const r = id === NO_KEY ? d.defaultRank : rank[id]!;
    if (r > out.typeRank) out.typeRank = r;
    if (((d.keyRanks >>> r) & 1) === 1) out.hasKey = true;
  }
}

/** Fill `out` from code arrays (a case object). */
export function prepareArrays(d: CompiledDirectory, diagnoses: readonly string[], procedures: readonly string[], out: PreparedCodes, keepCodes = false): void {
  const dx = diagnoses.join('|');
  const px = procedures.join('|');
  prepareCodes(d, dx, 0, dx.length, px, 0, px.length, out, keepCodes);
}
