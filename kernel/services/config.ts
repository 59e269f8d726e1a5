import type { z } from 'zod';
import { KERNEL_CONFIG_SECTIONS, OrchConfigSchema, type Config, type OrchConfig } from '../contracts/config.js';
import type { Paths } from '../contracts/paths.js';
import { formatFieldIssues, toFieldIssues } from '../contracts/zod-issues.js';
import { OrchError } from '../errors.js';
import { readJsonFile } from './json-store.js';

export class FileConfig implements Config {
  private constructor(
    private readonly paths: Paths,
    readonly orch: OrchConfig,
  ) {}

  /**
   * Reads and validates `config/orch.json` (absent → documented defaults). `overrides` are merged
   * into plugin sections (e.g. `orch start --port` → `{ server: { port } }`).
   */
  static async load(paths: Paths, overrides: Record<string, Record<string, unknown>> = {}): Promise<FileConfig> {
    const orch = (await readJsonFile(paths.config('orch.json'), OrchConfigSchema)) ?? OrchConfigSchema.parse({});
    for (const [name, values] of Object.entries(overrides)) {
      const current = orch[name];
      orch[name] = { ...(current && typeof current === 'object' ? current : {}), ...values };
    }
    return new FileConfig(paths, orch);
  }

  section<S extends z.ZodType>(name: string, schema: S): z.output<S> {
    const parsed = schema.safeParse(this.orch[name] ?? {});
    if (parsed.success) return parsed.data;
    const file = this.paths.config('orch.json');
    const issues = toFieldIssues(parsed.error, [name]);
    throw new OrchError('invalid_input', `${file}: ${formatFieldIssues(issues)}`, { file, issues });
  }

  /**
   * Refuses top-level keys that neither the kernel nor any discovered plugin declares: a typo, or a
   * removed plugin's leftovers — silently ignoring them would hide a setting that does nothing.
   */
  checkSections(declared: Iterable<string>): void {
    const known = new Set<string>([...KERNEL_CONFIG_SECTIONS, ...declared]);
    const unknown = Object.keys(this.orch).filter((key) => !known.has(key));
    if (unknown.length === 0) return;
    const file = this.paths.config('orch.json');
    throw new OrchError('invalid_input', `${file}: unknown section ${unknown.map((k) => `"${k}"`).join(', ')} — no plugin declares it (kernel sections: plugins, logging; see docs/plugins.md)`, {
      file,
      issues: unknown.map((k) => ({ path: k, message: 'no plugin declares this section' })),
    });
  }

  async load<S extends z.ZodType>(name: string, schema: S, defaults: z.input<S>): Promise<z.output<S>> {
    const file = this.paths.config(name);
    const value = await readJsonFile(file, schema);
    if (value !== undefined) return value;
    const parsed = schema.safeParse(defaults);
    if (!parsed.success) {
      throw new OrchError('internal', `Built-in defaults for ${file} are invalid: ${formatFieldIssues(toFieldIssues(parsed.error))}`);
    }
    return parsed.data;
  }
}
