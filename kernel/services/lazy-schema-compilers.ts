import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

/**
 * One Ajv per JSON Schema dialect — draft-07, and draft 2019-09/2020-12 — made on first use. Ajv
 * costs about 10 MB and 50 ms to load and most processes never compile a schema, so it is required
 * by the first `compilerFor`; it is resolved (found, not loaded) when this is made, so a missing
 * package fails the owner's load rather than its first schema.
 */
export class LazySchemaCompilers {
  private draft07?: Ajv;
  private draft2020?: Ajv2020;

  constructor(private readonly options: Options) {
    require.resolve('ajv');
  }

  /** `modern`: the schema is draft 2019-09 or 2020-12 (each owner reads its `$schema` its own way). */
  compilerFor(modern: boolean): Ajv | Ajv2020 {
    if (modern) return (this.draft2020 ??= new (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020(this.options));
    return (this.draft07 ??= new (require('ajv') as typeof import('ajv')).Ajv(this.options));
  }
}
