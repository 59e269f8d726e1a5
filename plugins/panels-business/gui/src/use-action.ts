import { useState } from 'react';
import { useConnection } from '@orch/gui-sdk';

/**
 * One button press at a time: which action is in flight (so every button can be disabled and the
 * pressed one can spin) and the message of the last one that failed. Buttons stay disabled while
 * the connection is not interactive, so nothing is sent that the server cannot answer.
 */
export function useAction<Name extends string = string>(describe: (error: unknown) => string = (error) => (error as Error).message) {
  const { interactive } = useConnection();
  const [busy, setBusy] = useState<Name | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (name: Name, action: () => Promise<void>): Promise<void> => {
    setBusy(name);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(null);
    }
  };
  /** True when a button may be pressed now. */
  const ready = interactive && busy === null;
  return { interactive, busy, error, setError, run, ready };
}
