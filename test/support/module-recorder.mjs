// A module hook that appends the URL of every module the process loads to a file (one a line), so a
// probe can tell which packages a command or an idle server loaded. Registered by recordLoadedModules (loaded-modules.ts).
import { appendFileSync } from 'node:fs';

let out;

export async function initialize(data) {
  out = data.out;
}

export async function load(url, context, nextLoad) {
  appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}
