import { inject, injectable } from 'inversify';
import type { HttpRoute, HttpRoutes } from '../server/api/index.js';
import { ToolStreamQuerySchema, select } from './tool-stream-query.js';
import { ToolStreamReader } from './tool-stream-reader.js';

/** `GET /api/tool-streams`: the tool-call history for an operations view. */
@injectable()
export class ToolStreamsRoutes implements HttpRoutes {
  constructor(@inject(ToolStreamReader) private readonly reader: ToolStreamReader) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/tool-streams',
        summary: 'Recent MCP tool calls, newest last (?limit=20&alias=&tool=&runId=&errors=true)',
        query: ToolStreamQuerySchema,
        handle: async ({ query }) => ({ records: select(await this.reader.records(), query) }),
      },
    ];
  }
}
