/**
 * The time axis of a run's timeline: linear while something runs, with long idle stretches (a run
 * waiting for a person, a timer) compressed into a fixed-width break so the work stays readable.
 * Pure; used by timeline.tsx.
 */
export interface TimeBreak {
  /** Position of the break on the axis, 0..1. */
  at: number;
  width: number;
  idleMs: number;
}

export interface TimeScale {
  start: number;
  end: number;
  /** Time (ms since epoch) → 0..1 along the axis. */
  x(time: number): number;
  breaks: TimeBreak[];
}

export function makeTimeScale(intervals: Array<[number, number]>, options: { breakWidth?: number; minIdleMs?: number } = {}): TimeScale {
  const sorted = intervals.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).map(([a, b]) => [a, Math.max(a, b)] as [number, number]).sort((p, q) => p[0] - q[0]);
  if (sorted.length === 0) return { start: 0, end: 1, x: () => 0, breaks: [] };
  const merged: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const start = merged[0]![0];
  const end = Math.max(merged.at(-1)![1], start + 1);
  const total = end - start;
  const minIdle = Math.max(options.minIdleMs ?? 30_000, total * 0.15);
  const gaps: Array<[number, number]> = [];
  for (let i = 1; i < merged.length; i++) {
    const [gapStart, gapEnd] = [merged[i - 1]![1], merged[i]![0]];
    if (gapEnd - gapStart >= minIdle) gaps.push([gapStart, gapEnd]);
  }
  const breakWidth = options.breakWidth ?? 0.04;
  const idle = gaps.reduce((n, [a, b]) => n + (b - a), 0);
  const busy = total - idle;
  const linear = Math.max(0, 1 - breakWidth * gaps.length);
  const x = (time: number): number => {
    if (time <= start) return 0;
    if (time >= end) return 1;
    let pos = 0;
    let cursor = start;
    for (const [a, b] of gaps) {
      if (time <= a) break;
      pos += ((a - cursor) / busy) * linear;
      if (time < b) return pos + ((time - a) / (b - a)) * breakWidth;
      pos += breakWidth;
      cursor = b;
    }
    return Math.min(1, pos + ((time - cursor) / (busy || 1)) * linear);
  };
  const breaks = gaps.map(([a, b]) => ({ at: x(a), width: breakWidth, idleMs: b - a }));
  return { start, end, x, breaks };
}
