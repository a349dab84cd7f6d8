/**
 * A one-line progress display on standard error: rows, rows/s, percent and
 * ETA (when the input size is known). Redrawn at most five times a second;
 * finished with a newline so the summary starts on its own line.
 */
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';

export class Progress {
  private last = 0;
  private readonly started = performance.now();
  private shown = false;

  constructor(
    private readonly input: Readable,
    private readonly totalBytes: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(rows: number): void {
    const now = performance.now();
    if (now - this.last < 200) return;
    this.last = now;
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? rows / secs : 0;
    let line = `  ${rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s`;
    const read = (this.input as Readable & { bytesRead?: number }).bytesRead;
    if (this.totalBytes !== undefined && this.totalBytes > 0 && typeof read === 'number') {
      const frac = Math.min(1, read / this.totalBytes);
      const width = 24;
      const filled = Math.round(frac * width);
      const eta = frac > 0 ? (secs * (1 - frac)) / frac : 0;
      line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)} %${line}  ETA ${clock(eta)}`;
    }
    this.out.write(`\r${line}\u001b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.out.write('\r\u001b[K');
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/**
 * The progress display of a command reading `source`: shown on a terminal, or
 * with --progress, never with -q. `path` is the input file (its size gives
 * the percentage and ETA); '-' or undefined shows rows and rows/s only.
 */
export function progressFor(source: Readable, path: string | undefined, flags: { readonly quiet?: boolean | undefined; readonly progress?: boolean | undefined }): Progress | undefined {
  if (flags.quiet === true || (flags.progress !== true && process.stderr.isTTY !== true)) return undefined;
  return new Progress(source, path === undefined || path === '-' ? undefined : statSync(path).size);
}
