import { inject, injectable, multiInject, optional } from 'inversify';
import { describeError, PluginCatalog, StatusSection } from '../../kernel/index.js';
import type { OrchSnapshot } from './api/index.js';

/** The `section` of problems about plugins themselves (failed, refused); the message starts with the plugin id. */
export const PLUGINS_PROBLEM = 'plugins';

/** A section a manifest declares, with the plugin behind it and whether it is loaded here. */
export interface DeclaredSection {
  name: string;
  title: string;
  order: number;
  pluginId: string;
  loaded: boolean;
}

/**
 * The current picture, one key per status section: built by the plugin that contributes it
 * (`StatusSection`), `null` for a section whose plugin is discovered but not loaded. Used for the
 * WebSocket snapshot, `GET /api/status` and `orch status` without a server.
 */
@injectable()
export class SnapshotBuilder {
  constructor(
    @multiInject(StatusSection) @optional() private readonly sections: StatusSection[] | undefined,
    @inject(PluginCatalog) private readonly catalog: PluginCatalog,
  ) {}

  /** Every section the discovered manifests declare, in display order. */
  declared(): DeclaredSection[] {
    return this.catalog
      .entries()
      .flatMap((entry) => (entry.manifest?.contributes.statusSections ?? []).map((s) => ({ ...s, pluginId: entry.id, loaded: entry.status === 'loaded' })))
      .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  section(name: string): StatusSection | undefined {
    return this.sections?.find((s) => s.name === name);
  }

  /** Lets every section that can probe do so (`orch status --probe`), each bounded by `timeoutMs`. */
  async probe(timeoutMs: number): Promise<void> {
    await Promise.allSettled((this.sections ?? []).map((section) => section.probe?.(timeoutMs)));
  }

  async build(): Promise<OrchSnapshot> {
    const problems: OrchSnapshot['problems'] = [];
    const snapshot: Record<string, unknown> = {};
    const declared = this.declared();
    for (const section of declared) snapshot[section.name] = null;
    // A plugin that failed or was refused is a problem of the whole picture, whatever it contributes.
    const broken = new Set<string>();
    for (const entry of this.catalog.entries()) {
      if (entry.status !== 'failed' && entry.status !== 'refused') continue;
      broken.add(entry.id);
      problems.push({ section: PLUGINS_PROBLEM, message: `${entry.id} ${entry.status}: ${entry.reason ?? 'no reason recorded'}` });
    }
    await Promise.all(
      (this.sections ?? []).map(async (section) => {
        const owner = declared.find((d) => d.name === section.name)?.pluginId;
        if (owner !== undefined && broken.has(owner)) return; // its plugin did not start: no half-true picture
        try {
          snapshot[section.name] = await section.build();
        } catch (error) {
          snapshot[section.name] = null;
          problems.push({ section: section.name, message: describeError(error) });
        }
      }),
    );
    return { ...snapshot, problems };
  }
}
