import { isOrchError, type CommandIO } from '../../../kernel/index.js';
import { ApiClient } from './api-client.js';
import type { ServerLink } from './server-link.js';

/** Where a command's work happens: through the live server, or in this process (on the files, or a session of its own). */
export type AccessVia = 'server' | 'files' | 'local' | 'direct';

export interface AccessChoice<V extends object> {
  /** The view through the live server's REST API. */
  remote(client: ApiClient): V;
  /** The view in this process. */
  local(): V;
  /** Said on stderr when no server runs: what this process works on (e.g. "working on state/approvals/ directly"). */
  localNotice: string;
  /** How the local view is named in `--json` output: `files` (state files) or `local` (a session of this process). */
  localVia?: Exclude<AccessVia, 'server'>;
  /**
   * A server that runs without the plugin behind these routes answers "No route …": work locally
   * then, saying so (true for file-backed views; false where only the server can do the work).
   */
  fallBackWhenRoutesMissing?: boolean;
  /** The plugin behind the routes, named when a server runs without it. */
  plugin?: string;
}

/**
 * The one "through the server, or here" choice of CLI commands: a running Orch server gets the work
 * (a decision resumes the run it holds, a save is announced to every GUI), otherwise this process
 * does it — and a dim line on stderr says which. Returns the view and where it works.
 */
export async function serverOrLocal<V extends object>(io: CommandIO, link: ServerLink | undefined, choice: AccessChoice<V>): Promise<V & { readonly via: AccessVia }> {
  const location = await link?.locate();
  if (!location || !link) {
    io.notice(`(no Orch server running — ${choice.localNotice})`);
    return withVia(choice.local(), choice.localVia ?? 'local');
  }
  io.notice(`(through the Orch server at ${location.baseUrl}, pid ${location.pid})`);
  const remote = choice.remote(new ApiClient(link));
  if (!choice.fallBackWhenRoutesMissing) return withVia(remote, 'server');
  let fallback: V | undefined;
  const view = new Proxy(remote, {
    get(target, key, receiver) {
      if (key === 'via') return fallback ? (choice.localVia ?? 'local') : 'server';
      const member = Reflect.get(fallback ?? target, key, receiver) as unknown;
      if (typeof member !== 'function') return member;
      return async (...args: unknown[]) => {
        if (fallback) return (Reflect.get(fallback, key) as (...a: unknown[]) => unknown).apply(fallback, args);
        try {
          return await (member as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          if (!(isOrchError(error) && error.code === 'not_found' && error.message.startsWith('No route '))) throw error;
          io.notice(`(the Orch server at ${location.baseUrl} runs without the ${choice.plugin ?? 'needed'} plugin — ${choice.localNotice} instead)`);
          fallback = choice.local();
          return (Reflect.get(fallback, key) as (...a: unknown[]) => unknown).apply(fallback, args);
        }
      };
    },
  });
  return view as V & { readonly via: AccessVia };
}

function withVia<V extends object>(view: V, via: AccessVia): V & { readonly via: AccessVia } {
  return Object.assign(Object.create(view) as V, { via });
}
