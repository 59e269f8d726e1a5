import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRootOf } from './project-root.js';

/** The kernel version plugins' `kernel` ranges are checked against: the project's package version. */
export const KERNEL_VERSION: string = (
  JSON.parse(readFileSync(join(projectRootOf(import.meta.url), 'package.json'), 'utf8')) as { version: string }
).version;
