/**
 * Input and output streams for commands. Outputs go to a temporary file next
 * to the target and are renamed into place only when the run succeeds, so an
 * interrupted or failed run never leaves a file that looks complete.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { FatalError, UsageError } from './errors.js';

export function openInput(path: string): Readable {
  if (path === '-') return process.stdin;
  try {
    if (statSync(path).isDirectory()) throw new FatalError(`cannot read ${path}: it is a folder, not a file`);
  } catch (err) {
    if (err instanceof FatalError) throw err;
    throw new FatalError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return createReadStream(path, { highWaterMark: 1 << 20 });
}

/**
 * A companion file's path: the one given, else next to the -o file
 * (`out.csv` → `out<suffix>`); `missing` is the usage error when neither exists.
 */
export function besideOutput(given: string | undefined, output: string | undefined, suffix: string, missing: string): string {
  if (given !== undefined) return given;
  if (output === undefined || output === '-') throw new UsageError(missing);
  return `${output.replace(/\.csv$/i, '')}${suffix}`;
}

/** A file written under a temporary name and renamed on commit. */
export class AtomicOutput {
  readonly stream: Writable;
  private readonly temp: string | undefined;
  private done = false;

  constructor(readonly path: string | undefined) {
    if (path === undefined || path === '-') {
      this.stream = process.stdout;
      this.temp = undefined;
      return;
    }
    const target = resolve(path);
    if (!existsSync(dirname(target))) throw new FatalError(`cannot write ${path}: folder ${dirname(target)} does not exist`);
    this.temp = `${target}.partial-${process.pid}`;
    this.stream = createWriteStream(this.temp);
    // Remove the partial file if the process is interrupted.
    process.once('exit', this.cleanup);
  }

  /** Finish writing and move the file into place. */
  async commit(): Promise<void> {
    if (this.temp === undefined) return;
    this.stream.end();
    await finished(this.stream);
    renameSync(this.temp, resolve(this.path!));
    this.done = true;
    process.removeListener('exit', this.cleanup);
  }

  /** Drop the partial file. */
  abort(): void {
    if (this.temp === undefined || this.done) return;
    this.stream.destroy();
    this.cleanup();
    process.removeListener('exit', this.cleanup);
  }

  private readonly cleanup = (): void => {
    if (this.temp !== undefined && !this.done) rmSync(this.temp, { force: true });
  };
}
