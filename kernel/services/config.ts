import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { OrchConfigSchema, type Config, type OrchConfig } from '../contracts/config.js';
import type { Paths } from '../contracts/paths.js';
import { formatFieldIssues, toFieldIssues } from '../contracts/zod-issues.js';
import { OrchError } from '../errors.js';
import { readJsonFile } from './json-store.js';

export class FileConfig implements Config {
  private constructor(
    private readonly paths: Paths,
    readonly orch: OrchConfig,
  ) {}

  /** Reads and validates `config/orch.json` (absent → documented defaults). */
  static async load(paths: Paths, overrides: { port?: number } = {}): Promise<FileConfig> {
    const orch = (await readJsonFile(paths.config('orch.json'), OrchConfigSchema)) ?? OrchConfigSchema.parse({});
    if (overrides.port !== undefined) orch.server.port = overrides.port;
    return new FileConfig(paths, orch);
  }

  get workspaceRoot(): string {
    const root = this.orch.workspace.root;
    return isAbsolute(root) ? root : resolve(this.paths.home, root);
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
