// What a download shows: on a terminal, a bar redrawn in place; in a log or a pipe, one plain line
// per file once it is done, so CI logs stay readable.

/** One file's transfer as the reporter sees it. */
export interface FileProgress {
  /** `loaded` counts the bytes on disk, those an earlier run left included. */
  update(loaded: number): void;
  /** Ends the file's display, whether it completed or broke off. */
  end(): void;
}

export interface ProgressReporter {
  /** `total` is 0 when the server gives no size; `resumedFrom` is what an earlier run left on disk. */
  start(file: string, total: number, resumedFrom: number): FileProgress;
  /** A file an earlier run completed. */
  skip(file: string, size: number): void;
}

/** What one progress line says. */
export interface ProgressState {
  file: string;
  loaded: number;
  total: number;
  resumedFrom: number;
  bytesPerSecond: number;
}

/** Redraws at most this often: a terminal redrawn per 64 kB chunk flickers and costs CPU. */
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/** A bar on a terminal, plain lines anywhere else. */
export function progressReporter(out: NodeJS.WriteStream): ProgressReporter {
  const draw = out.isTTY ? redrawnBar(out) : lineWhenDone(out);
  return {
    skip: (file, size) => out.write(`${file}  ${formatBytes(size)}  already downloaded\n`),
    start(file, total, resumedFrom) {
      const started = performance.now();
      let drawn = 0;
      const state: ProgressState = { file, loaded: resumedFrom, total, resumedFrom, bytesPerSecond: 0 };
      const refresh = (done: boolean) => {
        const seconds = (performance.now() - started) / 1000;
        state.bytesPerSecond = seconds > 0 ? (state.loaded - resumedFrom) / seconds : 0;
        draw(state, done);
      };
      refresh(false);
      return {
        update(loaded) {
          state.loaded = loaded;
          if (performance.now() - drawn < REDRAW_MS) return;
          drawn = performance.now();
          refresh(false);
        },
        end: () => refresh(true),
      };
    },
  };
}

/** `\r` goes back to the line's start and `\x1b[K` clears what a longer line left there. */
function redrawnBar(out: NodeJS.WriteStream): (state: ProgressState, done: boolean) => void {
  return (state, done) => {
    const line = `${progressBar(state.total ? state.loaded / state.total : 0)}  ${progressLine(state)}`;
    out.write(`\r${fitTo(line, out.columns)}\x1b[K${done ? '\n' : ''}`);
  };
}

function lineWhenDone(out: NodeJS.WriteStream): (state: ProgressState, done: boolean) => void {
  return (state, done) => {
    if (done) out.write(`${progressLine(state)}\n`);
  };
}

/** `model.safetensors  261.3 MB / 548.1 MB  48%  11.2 MB/s`, sizes and percent left out when unknown. */
export function progressLine({ file, loaded, total, resumedFrom, bytesPerSecond }: ProgressState): string {
  const size = total ? `${formatBytes(loaded)} / ${formatBytes(total)}  ${Math.floor((100 * loaded) / total)}%` : formatBytes(loaded);
  const resumed = resumedFrom ? `  (resumed at ${formatBytes(resumedFrom)})` : '';
  return `${file}  ${size}  ${formatBytes(bytesPerSecond)}/s${resumed}`;
}

/** `[##########--------------]` for a fraction in 0…1. */
export function progressBar(fraction: number): string {
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/** Decimal units, as the Hub shows file sizes: `548.1 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A line wider than the terminal wraps, and `\r` then redraws only its last row. */
function fitTo(line: string, columns: number | undefined): string {
  return columns && line.length >= columns ? line.slice(0, columns - 1) : line;
}
