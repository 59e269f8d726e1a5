/** Newest modification time (ms) of the TypeScript sources the build compiles. */
export function newestSource(projectRoot: string): number;
/** dist/ when its stamp is newer than every source (and not disabled with ORCH_FROM_SOURCE=1), else undefined. */
export function compiledDist(projectRoot: string): string | undefined;
export const STAMP: string;
