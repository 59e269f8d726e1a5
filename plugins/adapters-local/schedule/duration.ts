const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const COMPACT = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const COMPACT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * A duration as plans write it: milliseconds (a number), a compact text (`90s`, `5m`, `1h30m`,
 * `2d`, `500ms`) or ISO 8601 (`PT1H30M`, `P1D`). Returns undefined when the text is none of those.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (COMPACT.test(text)) {
    let total = 0;
    for (const [, amount, unit] of text.matchAll(COMPACT_PART)) total += Number(amount) * UNIT_MS[unit!]!;
    return Math.round(total);
  }
  const iso = ISO.exec(text.toUpperCase());
  if (iso && text.length > 1 && !text.toUpperCase().endsWith('T')) {
    const [, w, d, h, m, s] = iso.map((part) => Number(part ?? 0));
    return Math.round(w! * UNIT_MS.w! + d! * UNIT_MS.d! + h! * UNIT_MS.h! + m! * UNIT_MS.m! + s! * UNIT_MS.s!);
  }
  return undefined;
}
