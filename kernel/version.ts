import { readFileSync } from 'node:fs';

/** The kernel version plugins' `kernel` ranges are checked against: the project's package version. */
export const KERNEL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
