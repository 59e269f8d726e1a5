/**
 * Ends a run as `failed` on purpose (a rejected approval, a loop past `maxIterations`, a broken
 * expression): thrown out of a graph node so LangGraph stops, then recorded with this message.
 */
export class RunFailure extends Error {
  override readonly name = 'RunFailure';
  constructor(
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
  }
}

/** The run was cancelled by a person (`run:cancel`); the abort reason of the run's signal. */
export class RunCancelled extends Error {
  override readonly name = 'RunCancelled';
  constructor(readonly operator: string) {
    super(`cancelled by ${operator}`);
  }
}
