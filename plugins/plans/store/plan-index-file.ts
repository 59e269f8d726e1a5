import { z } from 'zod';

/** One version as the index records it (the content is in `v<N>.json`). */
export const IndexedVersionSchema = z.object({
  version: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** `save`, `design`, `replan`, `rollback from v2`, `recovered` (found on disk, not in the index). */
  origin: z.string(),
});
export type IndexedVersion = z.infer<typeof IndexedVersionSchema>;

export const IndexedPlanSchema = z.object({
  name: z.string(),
  goal: z.string(),
  activeVersion: z.number().int().positive(),
  latestVersion: z.number().int().positive(),
  updatedAt: z.string(),
  versions: z.array(IndexedVersionSchema),
});
export type IndexedPlan = z.infer<typeof IndexedPlanSchema>;

/** `state/plans/index.json`: every plan with its versions, so lists never open every version file. */
export const PlanIndexSchema = z.object({
  plans: z.record(z.string(), IndexedPlanSchema),
});
export type PlanIndex = z.infer<typeof PlanIndexSchema>;

export const VERSION_FILE_PATTERN = /^v([1-9][0-9]*)\.json$/;

export function versionFileName(version: number): string {
  return `v${version}.json`;
}
