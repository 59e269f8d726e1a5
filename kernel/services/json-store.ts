import { readFile } from 'node:fs/promises';
import { injectable } from 'inversify';
import type { z } from 'zod';
import type { JsonStore } from '../contracts/json-store.js';
import { formatFieldIssues, toFieldIssues } from '../contracts/zod-issues.js';
import { OrchError } from '../errors.js';
import { toStoredJson, writeFileAtomic } from './atomic-write.js';
import { withFileLock } from './file-lock.js';

/**
 * Reads `file` through `schema`; `undefined` when missing. Malformed content is an error, never a
 * default. `prepare` may complete the parsed value before the schema sees it (e.g. apply a journal
 * kept beside the file); it gets the raw text too.
 */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  prepare?: (data: unknown, text: string) => Promise<unknown> | unknown,
): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OrchError('internal', `Could not read ${file}: ${(error as Error).message}`, { file });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OrchError('invalid_input', `${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  if (prepare) data = await prepare(data, text);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    throw new OrchError('invalid_input', `${file} is invalid: ${formatFieldIssues(issues)}`, { file, issues });
  }
  return parsed.data;
}

export async function writeJsonFile(file: string, value: unknown, schema?: z.ZodType): Promise<void> {
  if (schema) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new OrchError('invalid_input', `Refusing to write ${file}: ${formatFieldIssues(issues)}`, { file, issues });
    }
  }
  await writeFileAtomic(file, toStoredJson(value));
}

@injectable()
export class FileJsonStore implements JsonStore {
  read<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S> | undefined> {
    return readJsonFile(file, schema);
  }

  write<S extends z.ZodType>(file: string, value: z.input<S>, schema?: S): Promise<void> {
    return writeJsonFile(file, value, schema);
  }

  update<S extends z.ZodType>(
    file: string,
    schema: S,
    initial: () => z.output<S>,
    change: (current: z.output<S>) => z.output<S> | Promise<z.output<S>>,
  ): Promise<z.output<S>> {
    return withFileLock(file, async () => {
      const current = (await readJsonFile(file, schema)) ?? initial();
      const next = await change(current);
      await writeJsonFile(file, next, schema);
      return next;
    });
  }

  withLock<T>(file: string, work: () => Promise<T>): Promise<T> {
    return withFileLock(file, work);
  }
}
