// Training progress: one line with a bar, loss, accuracy, examples/s and ETA. On a TTY it is
// redrawn in place with \r (throttled); otherwise a plain line is printed every few seconds.
// The formatting functions are pure; the clock and the output stream are injected.

export interface ProgressState {
  /** Units done (steps or examples) and the total. */
  done: number;
  total: number;
  /** Milliseconds since the start of this progress line. */
  elapsedMs: number;
  /** Examples processed since the start (for the rate). */
  examples?: number;
  loss?: number;
  /** In [0, 1]. */
  accuracy?: number;
  /** Prefix such as "epoch 2/10". */
  label?: string;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "mm:ss", or "h:mm:ss" from one hour; "--:--" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${pad2(m)}:${pad2(s % 60)}`;
}

/** Seconds left, extrapolating the average rate so far; NaN before any progress. */
export function etaSeconds(done: number, total: number, elapsedMs: number): number {
  if (!(done > 0) || !(elapsedMs >= 0) || total < done) return Number.NaN;
  return ((total - done) * elapsedMs) / done / 1000;
}

/** "850 ex/s", "12.3k ex/s", "1.20M ex/s". */
export function formatRate(perSecond: number, unit = "ex/s"): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return `-- ${unit}`;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M ${unit}`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k ${unit}`;
  if (perSecond >= 100) return `${Math.round(perSecond)} ${unit}`;
  return `${perSecond.toFixed(1)} ${unit}`;
}

/** "[=========>          ]" with `width` cells inside the brackets. */
export function renderBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.floor(f * width);
  if (full >= width) return `[${"=".repeat(width)}]`;
  return `[${"=".repeat(full)}>${" ".repeat(width - full - 1)}]`;
}

/** Loss to 4 significant digits (exponent form when tiny or huge). */
export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  const a = Math.abs(loss);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? loss.toExponential(3) : loss.toPrecision(4);
}

/** The full progress line (no control characters). */
export function formatProgress(st: ProgressState, barWidth = 20): string {
  const frac = st.total > 0 ? st.done / st.total : 0;
  const parts: string[] = [];
  if (st.label) parts.push(st.label);
  parts.push(renderBar(frac, barWidth), `${String(Math.floor(frac * 100)).padStart(3)}%`, `${st.done}/${st.total}`);
  if (st.loss !== undefined) parts.push(`loss ${formatLoss(st.loss)}`);
  if (st.accuracy !== undefined) parts.push(`acc ${(st.accuracy * 100).toFixed(1)}%`);
  if (st.examples !== undefined && st.elapsedMs > 0) parts.push(formatRate(st.examples / (st.elapsedMs / 1000)));
  parts.push(st.done >= st.total ? `in ${formatDuration(st.elapsedMs / 1000)}` : `ETA ${formatDuration(etaSeconds(st.done, st.total, st.elapsedMs))}`);
  return parts.join("  ");
}

export interface ProgressOutput {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Milliseconds between redraws on a TTY (default 100). */
  ttyIntervalMs?: number;
  /** Milliseconds between plain lines when not a TTY (default 10000). */
  plainIntervalMs?: number;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
}

/** Renders ProgressState updates to a stream. */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawnOnLine = false;
  private readonly now: () => number;
  constructor(private readonly out: ProgressOutput, private readonly opts: ProgressOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** Redraws if enough time passed since the last draw (always at completion). */
  update(st: ProgressState): void {
    const t = this.now();
    const finished = st.done >= st.total;
    const interval = this.out.isTTY ? this.opts.ttyIntervalMs ?? 100 : this.opts.plainIntervalMs ?? 10_000;
    if (!finished && t - this.lastDraw < interval) return;
    this.lastDraw = t;
    const line = formatProgress(st);
    if (this.out.isTTY) {
      const cols = this.out.columns ?? 80;
      this.out.write(`\r${line.length >= cols ? line.slice(0, cols - 1) : line}\x1b[K`);
      this.drawnOnLine = true;
      if (finished) this.end();
    } else {
      this.out.write(line + "\n");
    }
  }

  /** Ends the in-place line (before printing anything else). */
  end(): void {
    if (this.drawnOnLine) { this.out.write("\n"); this.drawnOnLine = false; }
    this.lastDraw = -Infinity;
  }
}
