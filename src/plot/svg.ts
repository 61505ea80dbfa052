// Dependency-free SVG charts: line/scatter series, shaded bands, bars, linear or log axes.
// Pure string building (no DOM), so the same code writes figures in Node, Deno and browsers.

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** "line" (default), "points" or "both". */
  style?: "line" | "points" | "both";
  dashed?: boolean;
  width?: number;
  opacity?: number;
}

export interface Band {
  name: string;
  x: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
  color?: string;
  opacity?: number;
}

export interface Bars {
  name: string;
  /** Left and right edges of each bar and its height. */
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  height: ArrayLike<number>;
  color?: string;
  opacity?: number;
  /** Text printed above each bar (e.g. its count). */
  labels?: readonly string[];
}

/** Vertical interval bars from lo to hi at each x (e.g. a 95 % interval at each point): a band's data, drawn per point. */
export type Intervals = Band;

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  xRange?: [number, number];
  yRange?: [number, number];
  series?: Series[];
  bands?: Band[];
  bars?: Bars[];
  intervals?: Intervals[];
  /** Free text lines drawn in the top-left corner of the plot area. */
  notes?: string[];
  width?: number;
  height?: number;
  /** Id of the plot's clip path (unique per chart when several share one document; default "plot"). */
  clipId?: string;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

function niceTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const v = 10 ** e;
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
  }
  return ticks.length >= 2 ? ticks : niceTicks(lo, hi, 4);
}

function extent(values: number[], log: boolean): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (v.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) return [lo / 1.25, hi * 1.25];
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** Renders a chart as a standalone SVG document. */
export function chart(spec: ChartSpec): string {
  const W = spec.width ?? 720, H = spec.height ?? 460;
  const m = { l: 72, r: 180, t: 44, b: 56 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const xs: number[] = [], ys: number[] = [];
  for (const s of spec.series ?? []) { xs.push(...Array.from(s.x)); ys.push(...Array.from(s.y)); }
  for (const b of spec.bands ?? []) { xs.push(...Array.from(b.x)); ys.push(...Array.from(b.lo), ...Array.from(b.hi)); }
  for (const b of spec.bars ?? []) { xs.push(...Array.from(b.left), ...Array.from(b.right)); ys.push(0, ...Array.from(b.height)); }
  for (const b of spec.intervals ?? []) { xs.push(...Array.from(b.x)); ys.push(...Array.from(b.lo), ...Array.from(b.hi)); }
  const [x0, x1] = spec.xRange ?? extent(xs, !!spec.logX);
  const [y0, y1] = spec.yRange ?? extent(ys, !!spec.logY);
  const tx = (v: number) => spec.logX ? Math.log(v / x0) / Math.log(x1 / x0) : (v - x0) / (x1 - x0);
  const ty = (v: number) => spec.logY ? Math.log(v / y0) / Math.log(y1 / y0) : (v - y0) / (y1 - y0);
  const X = (v: number) => (m.l + pw * tx(v)).toFixed(2);
  const Y = (v: number) => (m.t + ph * (1 - ty(v))).toFixed(2);
  const ok = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!spec.logX || x > 0) && (!spec.logY || y > 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`);
  const clip = spec.clipId ?? "plot";
  out.push(`<defs><clipPath id="${clip}"><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/></clipPath></defs>`);
  for (const v of spec.logX ? logTicks(x0, x1) : niceTicks(x0, x1)) {
    out.push(`<line x1="${X(v)}" y1="${m.t}" x2="${X(v)}" y2="${m.t + ph}" stroke="#eee"/>`);
    out.push(`<text x="${X(v)}" y="${m.t + ph + 18}" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of spec.logY ? logTicks(y0, y1) : niceTicks(y0, y1)) {
    out.push(`<line x1="${m.l}" y1="${Y(v)}" x2="${m.l + pw}" y2="${Y(v)}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${Number(Y(v)) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 14}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  const legend: { name: string; color: string; kind: "line" | "band" | "points" }[] = [];
  let ci = 0;
  const g: string[] = [], labels: string[] = []; // labels are drawn unclipped (a full bar's sits above the frame)
  for (const b of spec.bars ?? []) {
    const color = b.color ?? PALETTE[ci++ % PALETTE.length]!;
    for (let i = 0; i < b.height.length; i++) {
      const yb = spec.logY ? y0 : Math.max(y0, 0);
      const top = b.height[i]!;
      if (!ok(b.left[i]!, top)) continue;
      const ya = Number(Y(top)), yz = Number(Y(yb));
      g.push(`<rect x="${X(b.left[i]!)}" y="${Math.min(ya, yz).toFixed(2)}" width="${(Number(X(b.right[i]!)) - Number(X(b.left[i]!))).toFixed(2)}" height="${Math.abs(yz - ya).toFixed(2)}" fill="${color}" fill-opacity="${b.opacity ?? 0.7}" stroke="white"/>`);
      const label = b.labels?.[i];
      if (label !== undefined) {
        const cx = ((Number(X(b.left[i]!)) + Number(X(b.right[i]!))) / 2).toFixed(2);
        labels.push(`<text x="${cx}" y="${(Math.min(ya, yz) - 4).toFixed(2)}" text-anchor="middle" font-size="10" fill="#333">${escapeXml(label)}</text>`);
      }
    }
    legend.push({ name: b.name, color, kind: "band" });
  }
  for (const b of spec.intervals ?? []) {
    const color = b.color ?? PALETTE[ci++ % PALETTE.length]!;
    for (let i = 0; i < b.x.length; i++) {
      if (!ok(b.x[i]!, b.lo[i]!) || !ok(b.x[i]!, b.hi[i]!)) continue;
      g.push(`<line x1="${X(b.x[i]!)}" y1="${Y(b.lo[i]!)}" x2="${X(b.x[i]!)}" y2="${Y(b.hi[i]!)}" stroke="${color}" stroke-opacity="${b.opacity ?? 0.35}" stroke-width="1.5"/>`);
    }
    legend.push({ name: b.name, color, kind: "line" });
  }
  for (const b of spec.bands ?? []) {
    const color = b.color ?? PALETTE[ci++ % PALETTE.length]!;
    const up: string[] = [], down: string[] = [];
    for (let i = 0; i < b.x.length; i++) if (ok(b.x[i]!, b.hi[i]!)) up.push(`${X(b.x[i]!)},${Y(b.hi[i]!)}`);
    for (let i = b.x.length - 1; i >= 0; i--) if (ok(b.x[i]!, b.lo[i]!)) down.push(`${X(b.x[i]!)},${Y(b.lo[i]!)}`);
    g.push(`<polygon points="${[...up, ...down].join(" ")}" fill="${color}" fill-opacity="${b.opacity ?? 0.25}" stroke="none"/>`);
    legend.push({ name: b.name, color, kind: "band" });
  }
  for (const s of spec.series ?? []) {
    const color = s.color ?? PALETTE[ci++ % PALETTE.length]!;
    const style = s.style ?? "line";
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) if (ok(s.x[i]!, s.y[i]!)) pts.push(`${X(s.x[i]!)},${Y(s.y[i]!)}`);
    if (style !== "points" && pts.length > 1) {
      g.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${color}" stroke-width="${s.width ?? 2}"` +
        `${s.dashed ? ' stroke-dasharray="6 4"' : ""} stroke-opacity="${s.opacity ?? 1}"/>`);
    }
    if (style !== "line") for (const p of pts) { const [a, b] = p.split(","); g.push(`<circle cx="${a}" cy="${b}" r="3" fill="${color}" fill-opacity="${s.opacity ?? 1}"/>`); }
    if (s.name) legend.push({ name: s.name, color, kind: style === "points" ? "points" : "line" });
  }
  out.push(`<g clip-path="url(#${clip})">${g.join("")}</g>`, ...labels);
  legend.forEach((l, i) => {
    const ly = m.t + 10 + i * 20, lx = m.l + pw + 12;
    if (l.kind === "band") out.push(`<rect x="${lx}" y="${ly - 6}" width="18" height="10" fill="${l.color}" fill-opacity="0.4"/>`);
    else if (l.kind === "points") out.push(`<circle cx="${lx + 9}" cy="${ly - 1}" r="3" fill="${l.color}"/>`);
    else out.push(`<line x1="${lx}" y1="${ly - 1}" x2="${lx + 18}" y2="${ly - 1}" stroke="${l.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 3}">${escapeXml(l.name)}</text>`);
  });
  (spec.notes ?? []).forEach((n, i) => out.push(`<text x="${m.l + 8}" y="${m.t + 18 + i * 16}" fill="#333">${escapeXml(n)}</text>`));
  out.push("</svg>");
  return out.join("\n");
}

/** Charts side by side in one SVG document (each keeps its own axes and legend). */
export function panels(specs: ChartSpec[]): string {
  const sizes = specs.map((c) => [c.width ?? 720, c.height ?? 460] as const);
  const W = sizes.reduce((a, [w]) => a + w, 0), H = Math.max(...sizes.map(([, h]) => h));
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`];
  let x = 0;
  specs.forEach((c, i) => {
    const inner = chart({ ...c, clipId: c.clipId ?? `plot${i}` }).replace("<svg ", `<svg x="${x}" y="0" `);
    out.push(inner);
    x += sizes[i]![0];
  });
  out.push("</svg>");
  return out.join("\n");
}
