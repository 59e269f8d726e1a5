import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inject, injectable } from 'inversify';
import { EventBus, JsonStore, Logger, OrchError, Paths, formatFieldIssues, toFieldIssues } from '../../../kernel/index.js';
import { NodeAdapterRegistry, PLAN_ID_PATTERN, PlanSchema, type Plan, type PlanDocument, type PlanStore, type PlanSummary, type PlanVersionInfo, type SavePlanOptions } from '../api/index.js';
import { PlanIndexSchema, VERSION_FILE_PATTERN, versionFileName, type IndexedPlan, type PlanIndex } from './plan-index-file.js';
import { UnchangedFileCache } from './unchanged-file-cache.js';

/** Parsed version files kept for runs of the same versions (a 1000-node plan is about 100 KB parsed). */
const VERSIONS_CACHED = 50;

/**
 * Plans on disk: `state/plans/<planId>/v<N>.json`, one immutable file per version, and
 * `state/plans/index.json` listing them. Every change takes the index's inter-process lock, writes
 * the new version file first and the index last, so a crash in between leaves an unindexed file
 * that the next save adopts (origin `recovered`) and never overwrites.
 */
@injectable()
export class FilePlanStore implements PlanStore {
  private readonly logger: Logger;
  /** The index as `get` last parsed it, and the version files it read (each run reads both). */
  private readonly indexRead = new UnchangedFileCache<PlanIndex>(1);
  private readonly versionsRead = new UnchangedFileCache<Plan>(VERSIONS_CACHED);

  constructor(
    @inject(Paths) private readonly paths: Paths,
    @inject(JsonStore) private readonly store: JsonStore,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
    @inject(Logger) logger: Logger,
  ) {
    this.logger = logger.child({ category: 'plans' });
  }

  get folder(): string {
    return this.paths.state('plans');
  }

  private get indexFile(): string {
    return join(this.folder, 'index.json');
  }

  private versionFile(planId: string, version: number): string {
    return join(this.folder, planId, versionFileName(version));
  }

  async save(document: PlanDocument, options: SavePlanOptions): Promise<Plan> {
    // Each node type an adapter serves is checked by it (defaults applied), so a run of the same file later finds this version unchanged.
    const parsed = this.registry.storageSchemas.document.safeParse(document);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new OrchError('invalid_input', `The plan does not match the Plan schema: ${formatFieldIssues(issues)}`, { issues });
    }
    const doc = parsed.data;
    const origin = options.origin ?? 'save';
    const plan = await this.store.withLock(this.indexFile, async () => {
      const index = await this.readIndex();
      const entry = await this.adoptUnindexed(doc.id, index.plans[doc.id]);
      const latest = entry?.latestVersion ?? 0;
      if (doc.version !== undefined && entry && doc.version !== latest && !options.force) {
        throw new OrchError(
          'conflict',
          `Plan ${doc.id} was edited from v${doc.version}, but v${latest} has been saved since (${describeVersion(entry, latest)}). ` +
            `Compare with \`orch plan:diff ${doc.id} ${doc.version} ${latest}\`, then save again with --force to make it v${latest + 1} anyway.`,
          { planId: doc.id, basedOn: doc.version, latestVersion: latest },
        );
      }
      return this.addVersion(index, entry, doc, { operator: options.operator, origin });
    });
    this.announce(plan, origin);
    return plan;
  }

  async get(planId: string, version?: number): Promise<Plan> {
    checkPlanId(planId);
    // Read only: the cached index is never changed (saves read the index afresh under the lock).
    const index = (await this.indexRead.get(this.indexFile, () => this.parseIndex())) ?? (await this.readIndex());
    const entry = index.plans[planId];
    if (!entry) throw unknownPlan(planId, index);
    const wanted = version ?? entry.activeVersion;
    if (!entry.versions.some((v) => v.version === wanted)) {
      throw new OrchError('not_found', `Plan ${planId} has no version ${wanted}; it has ${versionRange(entry)}`, { planId, version: wanted });
    }
    const file = this.versionFile(planId, wanted);
    const plan = await this.versionsRead.get(file, () => this.store.read(file, PlanSchema));
    if (!plan) {
      throw new OrchError('not_found', `The file of plan ${planId} v${wanted} is missing: ${file} (the index lists it)`, { planId, version: wanted, file });
    }
    // A copy: what a caller does with its plan never reaches the next caller.
    return structuredClone(plan);
  }

  async list(): Promise<PlanSummary[]> {
    const index = await this.readIndex();
    return Object.entries(index.plans)
      .map(([id, entry]) => ({
        id,
        name: entry.name,
        goal: entry.goal,
        activeVersion: entry.activeVersion,
        latestVersion: entry.latestVersion,
        updatedAt: entry.updatedAt,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async versions(planId: string): Promise<PlanVersionInfo[]> {
    checkPlanId(planId);
    const index = await this.readIndex();
    const entry = index.plans[planId];
    if (!entry) throw unknownPlan(planId, index);
    return entry.versions.map((v) => ({ ...v, active: v.version === entry.activeVersion }));
  }

  async rollback(planId: string, to: number, options: { operator: string }): Promise<Plan> {
    checkPlanId(planId);
    const origin = `rollback to v${to}`;
    const plan = await this.store.withLock(this.indexFile, async () => {
      const index = await this.readIndex();
      const entry = await this.adoptUnindexed(planId, index.plans[planId]);
      if (!entry) throw unknownPlan(planId, index);
      if (!entry.versions.some((v) => v.version === to)) {
        throw new OrchError('not_found', `Plan ${planId} has no version ${to} to roll back to; it has ${versionRange(entry)}`, { planId, version: to });
      }
      if (to === entry.activeVersion) {
        throw new OrchError('conflict', `v${to} is already the active version of plan ${planId}; nothing to roll back`, { planId, version: to });
      }
      const old = await this.store.read(this.versionFile(planId, to), PlanSchema);
      if (!old) throw new OrchError('not_found', `The file of plan ${planId} v${to} is missing: ${this.versionFile(planId, to)}`, { planId, version: to });
      return this.addVersion(index, entry, old, { operator: options.operator, origin });
    });
    this.announce(plan, origin);
    return plan;
  }

  /** Writes `v<latest+1>.json`, then the index; the caller holds the index lock. */
  private async addVersion(
    index: PlanIndex,
    entry: IndexedPlan | undefined,
    doc: PlanDocument,
    provenance: { operator: string; origin: string },
  ): Promise<Plan> {
    const version = (entry?.latestVersion ?? 0) + 1;
    const createdAt = new Date().toISOString();
    const plan: Plan = PlanSchema.parse({
      id: doc.id,
      name: doc.name,
      goal: doc.goal,
      ...(doc.description !== undefined ? { description: doc.description } : {}),
      version,
      createdAt,
      createdBy: provenance.operator,
      ...(doc.inputs !== undefined ? { inputs: doc.inputs } : {}),
      root: doc.root,
    });
    await this.store.write(this.versionFile(plan.id, version), plan, PlanSchema);
    index.plans[plan.id] = {
      name: plan.name,
      goal: plan.goal,
      activeVersion: version,
      latestVersion: version,
      updatedAt: createdAt,
      versions: [...(entry?.versions ?? []), { version, createdAt, createdBy: provenance.operator, origin: provenance.origin }],
    };
    await this.store.write(this.indexFile, index, PlanIndexSchema);
    return plan;
  }

  private announce(plan: Plan, origin: string): void {
    this.logger.info(`Plan ${plan.id} v${plan.version} saved (${origin})`, { planId: plan.id, version: plan.version, origin, operator: plan.createdBy });
    this.bus.publish({ type: 'plan.saved', planId: plan.id, version: plan.version });
  }

  /**
   * The index, or — when it is missing but plan folders exist (deleted by hand, restored from a
   * backup without it) — one rebuilt from the version files, written back by the next change.
   */
  private async readIndex(): Promise<PlanIndex> {
    const index = await this.parseIndex();
    if (index) return index;
    const rebuilt: PlanIndex = { plans: Object.create(null) as PlanIndex['plans'] };
    for (const planId of await this.planFolders()) {
      const entry = await this.adoptUnindexed(planId, undefined);
      if (entry) rebuilt.plans[planId] = entry;
    }
    return rebuilt;
  }

  /** `index.json` as it is on disk, or undefined when it is missing. */
  private async parseIndex(): Promise<PlanIndex | undefined> {
    // Plan ids index a prototype-free map: an id such as `constructor` is a plan like any other.
    const index = await this.store.read(this.indexFile, PlanIndexSchema);
    return index && { ...index, plans: Object.assign(Object.create(null) as PlanIndex['plans'], index.plans) };
  }

  /** Adds version files newer than the index knows (a crash between the two writes) as `recovered`. */
  private async adoptUnindexed(planId: string, entry: IndexedPlan | undefined): Promise<IndexedPlan | undefined> {
    const onDisk = (await this.versionsOnDisk(planId)).filter((v) => v > (entry?.latestVersion ?? 0));
    if (onDisk.length === 0) return entry;
    let adopted = entry ? { ...entry, versions: [...entry.versions] } : undefined;
    for (const version of onDisk) {
      const plan = await this.store.read(this.versionFile(planId, version), PlanSchema);
      if (!plan) continue;
      this.logger.warn(`Plan ${planId} v${version} was on disk but not in the index; adopted it`, { planId, version });
      const record = { version, createdAt: plan.createdAt, createdBy: plan.createdBy, origin: 'recovered' };
      adopted = {
        name: plan.name,
        goal: plan.goal,
        activeVersion: version,
        latestVersion: version,
        updatedAt: plan.createdAt,
        versions: [...(adopted?.versions ?? []), record],
      };
    }
    return adopted;
  }

  private async versionsOnDisk(planId: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(join(this.folder, planId));
    } catch (error) {
      // Not there (yet), or not a folder: there are no version files; a write there fails clearly.
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw new OrchError('internal', `Cannot read ${join(this.folder, planId)}: ${(error as Error).message}`, { planId });
    }
    return names
      .map((name) => VERSION_FILE_PATTERN.exec(name)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  private async planFolders(): Promise<string[]> {
    try {
      const entries = await readdir(this.folder, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && PLAN_ID_PATTERN.test(e.name)).map((e) => e.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

/** Plan ids become folder names: anything else (`..`, `/`) is refused before touching the disk. */
function checkPlanId(planId: string): void {
  if (!PLAN_ID_PATTERN.test(planId)) {
    throw new OrchError('invalid_input', `"${planId}" is not a plan id: plan ids are lower-case letters, digits, "_" and "-"`, {
      issues: [{ path: 'planId', message: 'lower-case letters, digits, "_" and "-"' }],
    });
  }
}

function unknownPlan(planId: string, index: PlanIndex): OrchError {
  const known = Object.keys(index.plans).sort();
  const listed = known.length === 0 ? 'no plans are saved yet (orch plan:save <file>)' : `saved plans: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`;
  return new OrchError('not_found', `No plan "${planId}"; ${listed}`, { planId });
}

function versionRange(entry: IndexedPlan): string {
  const versions = entry.versions.map((v) => v.version);
  return versions.length === 1 ? `only v${versions[0]}` : `v${Math.min(...versions)} to v${Math.max(...versions)}`;
}

function describeVersion(entry: IndexedPlan, version: number): string {
  const record = entry.versions.find((v) => v.version === version);
  return record ? `by ${record.createdBy} at ${record.createdAt}, ${record.origin}` : 'unknown origin';
}
