/**
 * Serialises writes of one file and coalesces the requests that arrive while a write is in flight
 * into the next one: a hundred parallel nodes finishing together cost two writes, not a hundred.
 * `write` must snapshot the current content when it starts, so every request is covered by a write
 * that began after it; each caller gets the outcome of that write (a failure reaches every caller
 * whose change it carried).
 */
export class CoalescingWriter {
  private inFlight?: Promise<void>;
  private queued?: Promise<void>;

  constructor(private readonly write: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.inFlight) {
      this.inFlight = this.write().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    const next = this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.request();
      });
    this.queued = next;
    return next;
  }

  /** Resolves once nothing is being written (failures are the requesters' business). */
  async idle(): Promise<void> {
    while (this.inFlight || this.queued) await (this.queued ?? this.inFlight)!.catch(() => undefined);
  }
}
