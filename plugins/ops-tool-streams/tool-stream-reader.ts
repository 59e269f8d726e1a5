import { inject, injectable } from 'inversify';
import { JsonStore, Paths } from '../../kernel/index.js';
import { TOOL_STREAMS_FILE, ToolStreamsFileSchema, type ToolStreamRecord } from '../mcp-bridge/api/index.js';

/** Reads `state/tool-streams.json` (written by the MCP bridge of any Orch process). */
@injectable()
export class ToolStreamReader {
  constructor(
    @inject(JsonStore) private readonly store: JsonStore,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  get file(): string {
    return this.paths.state(TOOL_STREAMS_FILE);
  }

  /** Every stored record, oldest first; none when the file does not exist yet. */
  async records(): Promise<ToolStreamRecord[]> {
    return (await this.store.read(this.file, ToolStreamsFileSchema))?.records ?? [];
  }
}
