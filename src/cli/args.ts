/**
 * Command-line parsing on Node's built-in util.parseArgs (strict: unknown
 * flags are errors), with messages that name the flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** Flags the commands share, declared once; a command spreads the ones it takes. */
export const OUTPUT_FLAG = { output: { type: 'string', short: 'o' } } as const satisfies Options;
export const RUN_FLAGS = { progress: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const satisfies Options;
export const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

/** Parse a command's arguments; null when --help was asked for (the usage is then printed). */
export function parseCommand<O extends Options>(argv: readonly string[], options: O, usage: string): Parsed<O> | null {
  const parsed = parse(argv, options);
  if ((parsed.values as { help?: boolean }).help === true) {
    process.stdout.write(`${usage}\n`);
    return null;
  }
  return parsed;
}

export function parse<O extends Options>(argv: readonly string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** One positional argument (an input file or `-`), required. */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what} (a file, or - for standard input)`);
  if (positionals.length > 1) throw new UsageError(`expected one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0]!;
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function oneOf<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got ${value})`);
  return value as T;
}
