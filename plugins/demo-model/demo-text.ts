/**
 * Text helpers of the demo model: deterministic stand-ins for what a model would write — the first
 * sentences of a text as its summary, keyword matching for labels — so that every answer is stable
 * from one run to the next and clearly not a real model's.
 */

/** Every answer in text starts with this, so nobody mistakes it for a real model's. */
export const DEMO_LABEL = '[demo model]';

export function labelled(text: string): string {
  return text.startsWith(DEMO_LABEL) ? text : `${DEMO_LABEL} ${text}`;
}

export function sentencesOf(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The first sentences (at most `count`, at most about `maxWords` words) — the demo's "summary". */
export function leadSentences(text: string, count = 3, maxWords = 60): string {
  const chosen: string[] = [];
  let words = 0;
  for (const sentence of sentencesOf(text)) {
    const n = sentence.split(' ').length;
    if (chosen.length >= count || (chosen.length > 0 && words + n > maxWords)) break;
    chosen.push(n > maxWords ? `${sentence.split(' ').slice(0, maxWords).join(' ')}…` : sentence);
    words += n;
  }
  return chosen.join(' ');
}

export function wordCount(text: string): number {
  return text.trim() ? text.trim().split(/\s+/).length : 0;
}

/** Words that say which label fits a text, per common label; the label itself always counts too. */
const LABEL_HINTS: Record<string, string[]> = {
  bug: ['bug', 'crash', 'error', 'broken', 'fails', 'failed', 'exception', 'not working', "doesn't work", 'does not work', '500'],
  billing: ['invoice', 'charge', 'charged', 'refund', 'payment', 'billing', 'price', 'paid', 'credit card', 'subscription'],
  account: ['login', 'log in', 'password', 'account', 'sign in', 'locked out', 'two-factor', '2fa', 'email address'],
  feature_request: ['feature', 'would like', 'please add', 'wish', 'suggest', 'could you add', 'it would be nice', 'support for'],
  high: ['urgent', 'cannot work', "can't work", 'nobody can', 'outage', 'down', 'lost money', 'charged twice', 'asap', 'immediately', 'blocked', 'production'],
  low: ['minor', 'cosmetic', 'whenever', 'no rush', 'typo', 'small'],
  positive: ['great', 'love', 'excellent', 'thanks', 'happy', 'good'],
  negative: ['bad', 'hate', 'terrible', 'angry', 'disappointed', 'worst', 'broken'],
};
/** Labels picked when no keyword matches. */
const NEUTRAL = ['other', 'normal', 'medium', 'neutral', 'unknown', 'none'];

/** The option whose keywords occur most in `text`; a neutral option (or the first) when none does. */
export function pickLabel(options: readonly unknown[], text: string): unknown {
  const haystack = ` ${text.toLowerCase()} `;
  let best: unknown;
  let bestScore = 0;
  for (const option of options) {
    if (typeof option !== 'string') continue;
    const plain = option.toLowerCase().replace(/[_-]+/g, ' ');
    const hints = [plain, ...(LABEL_HINTS[option.toLowerCase()] ?? [])];
    const score = hints.reduce((sum, hint) => sum + (haystack.includes(hint) ? 1 : 0), 0);
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  if (best !== undefined) return best;
  return options.find((o) => typeof o === 'string' && NEUTRAL.includes(o.toLowerCase())) ?? options[0];
}

/** Lower-case words of a text that carry meaning (for matching tools to instructions). */
export function keywordsOf(text: string): Set<string> {
  const stop = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'from', 'into', 'your', 'you', 'are', 'its', 'use', 'give', 'one', 'all', 'any', 'tool', 'text']);
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9_]+/)
      .flatMap((w) => [w, ...w.split('_')])
      .filter((w) => w.length > 2 && !stop.has(w)),
  );
}

/** A plan or agent id from words: lower-case, digits and "-", starting with a letter. */
export function slugOf(text: string, maxWords = 4): string {
  const skip = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'with', 'that', 'then', 'it', 'its', 'is', 'are', 'be', 'by', 'into']);
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9\s]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !skip.has(w))
    .slice(0, maxWords);
  const slug = words.join('-').replace(/^[^a-z]+/, '').slice(0, 48).replace(/-+$/, '');
  return slug || 'demo';
}
