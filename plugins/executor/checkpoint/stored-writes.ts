/**
 * Adds one of a task's writes to the writes a checkpoint holds: ordinary writes (`idx` ≥ 0) once per
 * task and index — a task run again after a crash or a retry must not add them twice — and special
 * ones (errors, interrupts, resume values: LangGraph's negative `WRITES_IDX_MAP` indexes) in place of
 * the one before. True when the list changed. Both savers keep this rule, each in its own shape.
 */
export function storeWrite<W extends { task: string; idx: number }>(stored: W[], write: W): boolean {
  const at = stored.findIndex((w) => w.task === write.task && w.idx === write.idx);
  if (at >= 0 && write.idx >= 0) return false;
  if (at >= 0) stored[at] = write;
  else stored.push(write);
  return true;
}
