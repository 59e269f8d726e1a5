/**
 * Contribution points of `orch start`, so the kernel's start command names no plugin:
 * checks that may refuse the start before any plugin starts (one server per home), and the lines
 * printed once every plugin started (the server's URLs, a plugin's first hint).
 */
export interface StartupCheck {
  /** A reason to refuse the start (printed as `orch: <reason>`, exit 1), or undefined. */
  refusal(): Promise<string | undefined>;
}
export const StartupCheck = Symbol.for('orch.StartupCheck');

export interface StartupBanner {
  lines(): Promise<string[]>;
}
export const StartupBanner = Symbol.for('orch.StartupBanner');
