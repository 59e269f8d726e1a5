import { mkdir, realpath } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { Config, OrchError, Paths } from '../../../kernel/index.js';
import { realPathOf } from './real-path.js';

/** How a path is resolved: through a final symbolic link (read, write) or up to it (delete, move). */
export type FinalLink = 'follow' | 'keep';

/**
 * The one folder scripts and file tasks may touch: `workspace.root` of config/orch.json (default
 * `<home>/workspace`, created on first use). Every path a plan gives is checked twice — as written
 * (`..` may not climb out) and as the operating system would resolve it (no symbolic link may lead
 * out) — and refused with an error naming the field, the path and the root.
 *
 * The check happens right before the operation; a process that swaps a folder for a link in
 * between could still race it. Keep the workspace writable only by Orch.
 */
/** The `workspace` section of `config/orch.json`, owned by this plugin. */
export const WorkspaceSettingsSchema = z.strictObject({
  /** Folder that scripts and file tasks are confined to, relative to the home folder. */
  root: z.string().min(1).default('workspace'),
});

@injectable()
export class Workspace {
  private realRootPromise?: Promise<string>;

  /** The root as configured (absolute). */
  readonly root: string;

  constructor(@inject(Config) config: Config, @inject(Paths) paths: Paths) {
    const { root } = config.section('workspace', WorkspaceSettingsSchema);
    this.root = isAbsolute(root) ? root : resolve(paths.home, root);
  }

  /** The root with every symbolic link resolved; the folder is created when missing. */
  realRoot(): Promise<string> {
    this.realRootPromise ??= (async () => {
      try {
        await mkdir(this.root, { recursive: true });
        return await realpath(this.root);
      } catch (error) {
        this.realRootPromise = undefined;
        throw new OrchError('unavailable', `The workspace root ${this.root} (workspace.root of config/orch.json) cannot be used: ${(error as Error).message}`);
      }
    })();
    return this.realRootPromise;
  }

  /**
   * The absolute, real path for `path` (relative to the root, or absolute inside it), refused when
   * it leaves the root. `field` names the param in errors (`params.path`). With `keep`, a final
   * symbolic link is not followed (the link itself is deleted or moved), but it must still point
   * inside the root.
   */
  async resolve(path: string, field: string, finalLink: FinalLink = 'follow'): Promise<string> {
    if (path.includes('\0')) throw this.refusal(field, path, 'contains a NUL character');
    const lexical = resolve(this.root, path);
    if (!isInside(this.root, lexical)) throw this.refusal(field, path, 'is outside the workspace');
    const root = await this.realRoot();
    const real = await this.realPath(lexical, field, path);
    if (!isInside(root, real)) throw this.refusal(field, path, `leads out of the workspace through a symbolic link, to ${real}`);
    if (finalLink === 'follow') return real;
    const parent = await this.realPath(dirname(lexical), field, path);
    const kept = join(parent, basename(lexical));
    if (!isInside(root, kept)) throw this.refusal(field, path, 'leads out of the workspace through a symbolic link');
    return kept;
  }

  /** `path` relative to the real root, with `/` separators, for outputs (`.` for the root). */
  async display(realPath: string): Promise<string> {
    const rel = relative(await this.realRoot(), realPath);
    return rel === '' ? '.' : rel.split(sep).join('/');
  }

  private async realPath(path: string, field: string, given: string): Promise<string> {
    try {
      return await realPathOf(path);
    } catch (error) {
      throw this.refusal(field, given, `cannot be resolved: ${(error as Error).message}`);
    }
  }

  private refusal(field: string, path: string, why: string): OrchError {
    const message = `${why} (tasks may only touch files inside the workspace root ${this.root})`;
    return new OrchError('invalid_input', `${field} "${path}" ${message}`, {
      issues: [{ path: field, message }],
      field,
      workspaceRoot: this.root,
    });
  }
}

/** True when `path` is `root` or below it. Both absolute and normalized. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** A refusal's reason without the field and path (for dry-run findings that name the field already). */
export function refusalReason(error: unknown, given: string): string {
  const issues = (error as OrchError).details?.issues;
  return issues?.[0] ? `"${given}" ${issues[0].message}` : (error as Error).message;
}
