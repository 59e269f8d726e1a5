import type { Kernel } from '../kernel/kernel.js';

/**
 * Stops the kernel gracefully on SIGINT/SIGTERM; a second signal exits at once. The host decides
 * what a signal means (the kernel can be embedded in a process that handles its own), so this lives
 * here and not in the kernel.
 */
export function stopOnSignals(kernel: Kernel, onStopped: (code: number) => void): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (signalled) {
      onStopped(130);
      return;
    }
    signalled = true;
    kernel.logger.info(`Received ${signal}, stopping`, { category: 'kernel' });
    kernel.stop().then(
      () => onStopped(0),
      () => onStopped(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
