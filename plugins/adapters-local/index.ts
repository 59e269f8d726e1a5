import { definePlugin } from '../../kernel/index.js';
import { NodeAdapter } from '../plans/api/index.js';
import { FileAdapter } from './file/file-adapter.js';
import { HttpAdapter } from './http/http-adapter.js';
import { ScheduleAdapter } from './schedule/schedule-adapter.js';
import { ScriptAdapter } from './script/script-adapter.js';
import { Workspace } from './workspace/workspace.js';

/**
 * Local tasks: the `local_task` kinds script, http, file and schedule. Stateless adapters; the only
 * shared piece is the `Workspace` that scripts and file tasks are confined to.
 */
export default definePlugin({
  bindings({ bind }) {
    bind(Workspace).toSelf();
    bind(ScriptAdapter).toSelf();
    bind(NodeAdapter).toService(ScriptAdapter);
    bind(HttpAdapter).toSelf();
    bind(NodeAdapter).toService(HttpAdapter);
    bind(FileAdapter).toSelf();
    bind(NodeAdapter).toService(FileAdapter);
    bind(ScheduleAdapter).toSelf();
    bind(NodeAdapter).toService(ScheduleAdapter);
  },
});
