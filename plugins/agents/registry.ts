import { createHash } from 'node:crypto';
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { inject, injectable } from 'inversify';
import { describeError, EventBus, formatFieldIssues, Logger, OrchError, Paths, toFieldIssues, writeJsonFile } from '../../kernel/index.js';
import { AgentConfigSchema, type AgentConfig, type AgentRegistry, type RegisteredAgent } from './api/index.js';
import { agentFileContent, parseAgentConfig } from './agent-config-file.js';

interface FileState {
  /** Hash of the content last looked at. */
  signature: string;
  /** The agent it holds when the content was valid (the last good version stays loaded while a later edit is invalid). */
  agent?: string;
  problem?: string;
}

/**
 * The one agent registry. Agents come from `agents-config/<name>.json` (scanned at start; in
 * long-running processes `AgentsFolderWatcher` calls `scan()` when the folder changes) or are
 * registered at run time — kept in memory, or written to `agents-config/` with `persist`.
 *
 * A file that is not valid JSON, fails the schema or whose name differs from its file name is
 * reported (file and field, in the log and in `problems()`) and skipped; the others keep working,
 * and an agent whose file turns invalid keeps its last good version until the file is fixed or
 * removed. Every load, update and unload is published as `agent.registered` / `agent.unregistered`.
 */
@injectable()
export class FileAgentRegistry implements AgentRegistry {
  private readonly agents = new Map<string, RegisteredAgent>();
  private readonly files = new Map<string, FileState>();
  /** Files whose agent was unregistered without deleting the file: ignored until their content changes. */
  private readonly suppressed = new Map<string, string>();
  private readonly log: Logger;
  private scanning?: Promise<void>;
  private scanAgain = false;

  constructor(
    @inject(Paths) private readonly paths: Paths,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'agents', plugin: 'agents' });
  }

  get folder(): string {
    return join(this.paths.home, 'agents-config');
  }

  list(): RegisteredAgent[] {
    return [...this.agents.values()].sort((a, b) => a.config.name.localeCompare(b.config.name));
  }

  get(name: string): RegisteredAgent | undefined {
    return this.agents.get(name);
  }

  ensure(name: string): RegisteredAgent {
    const found = this.agents.get(name);
    if (found) return found;
    const known = [...this.agents.keys()].sort();
    const broken = this.problems().find((p) => p.file.endsWith(`/${name}.json`));
    const why = broken ? ` (${broken.file} is invalid: ${broken.message})` : '';
    throw new OrchError(
      'not_found',
      `No agent "${name}" in the registry${why}; known agents: ${known.length ? known.join(', ') : 'none'} (orch agents:config:list)`,
      { agent: name, known },
    );
  }

  problems(): { file: string; message: string }[] {
    return [...this.files.entries()]
      .filter(([, state]) => state.problem)
      .map(([file, state]) => ({ file: this.label(file), message: state.problem! }))
      .sort((a, b) => a.file.localeCompare(b.file));
  }

  async register(input: AgentConfig, options: { persist?: boolean; overwrite?: boolean } = {}): Promise<RegisteredAgent> {
    const parsed = AgentConfigSchema.safeParse(input);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new OrchError('invalid_input', `Agent config is invalid: ${formatFieldIssues(issues)}`, { issues });
    }
    const config = parsed.data;
    const existing = this.agents.get(config.name);
    const file = this.fileOf(config.name);
    if (!options.overwrite && existing) {
      throw new OrchError('conflict', `Agent "${config.name}" is already registered${existing.file ? ` from ${this.label(existing.file)}` : ''}; replace it with --force`, {
        agent: config.name,
      });
    }
    if (options.persist) {
      if (!options.overwrite && (await exists(file))) {
        throw new OrchError('conflict', `${this.label(file)} already exists; replace it with --force`, { agent: config.name, file: this.label(file) });
      }
      const content = agentFileContent(config);
      await writeJsonFile(file, content);
      // Remember what was written, so the watcher does not announce the same version twice.
      this.files.set(file, { signature: signatureOf(`${JSON.stringify(content, null, 2)}\n`), agent: config.name });
      this.suppressed.delete(file);
    }
    const entry: RegisteredAgent = { config, ...(options.persist ? { file } : {}), loadedAt: new Date().toISOString() };
    this.put(entry, existing ? 'updated' : 'registered', options.persist ? this.label(file) : 'memory');
    return entry;
  }

  async unregister(name: string, options: { deleteFile?: boolean } = {}): Promise<boolean> {
    const entry = this.agents.get(name);
    const file = entry?.file ?? this.fileOf(name);
    let deleted = false;
    if (options.deleteFile && (await exists(file))) {
      try {
        await rm(file);
      } catch (error) {
        throw new OrchError('write_failed', `Could not delete ${this.label(file)}: ${describeError(error)}`, { file: this.label(file) });
      }
      this.files.delete(file);
      this.suppressed.delete(file);
      deleted = true;
    } else if (entry?.file) {
      const state = this.files.get(entry.file);
      if (state) this.suppressed.set(entry.file, state.signature);
    }
    if (!entry) return deleted;
    this.remove(name, options.deleteFile ? `${this.label(file)} deleted` : 'unregistered');
    return true;
  }

  /**
   * Reads `agents-config/*.json` and applies what changed: new and changed valid files are loaded,
   * removed files unloaded, invalid ones reported once per content. Calls are serialised (a call
   * during a scan schedules one more), so a burst of file events costs at most two scans.
   */
  scan(): Promise<void> {
    if (this.scanning) {
      this.scanAgain = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.scanAgain = false;
        await this.scanOnce().catch((error: unknown) => this.log.error(`Could not read ${this.folder}: ${describeError(error)}`));
      } while (this.scanAgain);
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      names = [];
    }
    const present = new Set(names.map((n) => join(this.folder, n)));
    for (const file of [...this.files.keys()]) {
      if (!present.has(file)) this.forget(file);
    }
    for (const file of [...this.suppressed.keys()]) if (!present.has(file)) this.suppressed.delete(file);
    for (const file of [...present].sort()) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          this.forget(file);
          continue;
        }
        throw error;
      }
      this.consider(file, text);
    }
  }

  private consider(file: string, text: string): void {
    const signature = signatureOf(text);
    const previous = this.files.get(file);
    if (previous?.signature === signature) return;
    if (this.suppressed.get(file) === signature) return;
    this.suppressed.delete(file);
    const label = this.label(file);
    let config: AgentConfig;
    try {
      config = parseAgentConfig(text, label, { requireFileName: true });
    } catch (error) {
      const problem = describeError(error).replace(`${label} is invalid: `, '').replace(`${label} is `, '');
      this.files.set(file, { signature, agent: previous?.agent, problem });
      const kept = previous?.agent && this.agents.has(previous.agent) ? `; agent "${previous.agent}" keeps its last valid version` : '';
      this.log.warn(`Skipped ${label}: ${problem}${kept}`, { file: label, error: problem });
      return;
    }
    const holder = this.agents.get(config.name);
    if (holder?.file && holder.file !== file) {
      // Two files cannot claim one name; the file names differ only in case on such systems.
      const problem = `name: agent "${config.name}" is already loaded from ${this.label(holder.file)}`;
      this.files.set(file, { signature, problem });
      this.log.warn(`Skipped ${label}: ${problem}`, { file: label });
      return;
    }
    if (previous?.agent && previous.agent !== config.name) this.remove(previous.agent, `${label} renamed it`);
    this.files.set(file, { signature, agent: config.name });
    this.put({ config, file, loadedAt: new Date().toISOString() }, holder ? 'updated' : 'loaded', label);
  }

  /** The file is gone: unload its agent. */
  private forget(file: string): void {
    const state = this.files.get(file);
    this.files.delete(file);
    if (state?.agent && this.agents.get(state.agent)?.file === file) this.remove(state.agent, `${this.label(file)} removed`);
  }

  private put(entry: RegisteredAgent, how: 'loaded' | 'updated' | 'registered', from: string): void {
    this.agents.set(entry.config.name, entry);
    this.log.info(`Agent ${entry.config.name} ${how} (${from})`, { agent: entry.config.name, version: entry.config.version, source: from });
    this.bus.publish({ type: 'agent.registered', name: entry.config.name, version: entry.config.version });
  }

  private remove(name: string, why: string): void {
    if (!this.agents.delete(name)) return;
    this.log.info(`Agent ${name} unloaded (${why})`, { agent: name });
    this.bus.publish({ type: 'agent.unregistered', name });
  }

  private fileOf(name: string): string {
    return join(this.folder, `${name}.json`);
  }

  /** `agents-config/x.json` relative to the home when inside it, else the absolute path. */
  label(file: string): string {
    const rel = relative(this.paths.home, file);
    return rel.startsWith('..') ? file : rel;
  }
}

function signatureOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
