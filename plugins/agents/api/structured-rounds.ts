/**
 * How the Designer and the Meta Agent word their rounds with a model, in one place so the CLI, the
 * log and the final error agree: `after 1 attempt, 0 repair rounds`, and no promise of a repair
 * when none is left.
 */

/** `1 attempt`, `3 repair rounds`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `after 2 attempts, 1 repair round` — `attempts` answers, each after the first a repair round. */
export function attemptsWording(attempts: number): string {
  return `after ${countOf(attempts, 'attempt')}, ${countOf(Math.max(0, attempts - 1), 'repair round')}`;
}

/**
 * One progress line for a rejected answer: how many problems, the first one, and what happens next —
 * `asking for a repair (2 left)`, or `no repair round left` on the last attempt.
 */
export function roundNotice(round: number, problems: readonly string[], repairsLeft: number): string {
  const first = problems[0] ?? '';
  const head = `answer ${round} had ${countOf(problems.length, 'problem')} (${first}${problems.length > 1 ? ', …' : ''})`;
  return repairsLeft > 0 ? `${head}; asking for a repair (${countOf(repairsLeft, 'round')} left)` : `${head}; no repair round left`;
}
