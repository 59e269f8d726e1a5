import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { OrchError, type Paths } from '../../kernel/index.js';
import { RiskLevelSchema } from '../plans/api/index.js';

/**
 * `config/mcp.servers.json`: alias → how to reach one MCP server. Validated field by field so a
 * mistake is reported as `config/mcp.servers.json is invalid: sample.transport: …`.
 */
export const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const ReconnectPolicySchema = z.strictObject({
  /** First wait after a disconnect. */
  initialMs: z.number().int().min(1).max(3_600_000).default(5000),
  /** Each further wait is the previous one times this. */
  factor: z.number().min(1).max(10).default(2),
  /** Longest wait between two attempts. */
  maxMs: z.number().int().min(1).max(3_600_000).default(60_000),
});
export type ReconnectPolicy = z.output<typeof ReconnectPolicySchema>;

const common = {
  description: z.string().max(500).optional(),
  /** A required server that cannot be reached at start-up is logged as an error, not a warning. */
  required: z.boolean().default(false),
  /** Default timeout of one tool call. */
  timeoutMs: z.number().int().min(1).max(24 * 3600_000).default(60_000),
  /** Longest wait for one connection attempt (spawn or HTTP, initialize and tool listing). */
  connectTimeoutMs: z.number().int().min(1).max(600_000).default(10_000),
  /** Ping interval that detects a dead server (0 turns the heartbeat off). */
  heartbeatMs: z.number().int().min(0).max(3_600_000).default(15_000),
  /** Risk of this server's tools for approval gating (a plan node may override it). */
  riskLevel: RiskLevelSchema.default('medium'),
  reconnect: ReconnectPolicySchema.prefault({}),
};

const StdioServerSchema = z.strictObject({
  ...common,
  transport: z.literal('stdio'),
  /** The program; `node` means the Node.js running Orch (process.execPath). */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Added to a minimal inherited environment (HOME, PATH, …). */
  env: z.record(z.string(), z.string()).default({}),
  /** Working folder; relative to the Orch home. Default: the home. */
  cwd: z.string().min(1).optional(),
});

const URL_HINT = 'an http:// or https:// URL such as http://127.0.0.1:7431/mcp';

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const HttpServerSchema = z.strictObject({
  ...common,
  transport: z.literal('http'),
  /** The Streamable HTTP endpoint, e.g. `http://127.0.0.1:7431/mcp`. */
  url: z.string().refine((url) => url.includes('${') || isHttpUrl(url), URL_HINT),
  headers: z.record(z.string(), z.string()).default({}),
});

export const McpServerConfigSchema = z.discriminatedUnion('transport', [StdioServerSchema, HttpServerSchema], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'transport must be "stdio" (command, args, env, cwd) or "http" (url, headers)' : undefined,
});
export type McpServerConfig = z.output<typeof McpServerConfigSchema>;
export type StdioServerConfig = z.output<typeof StdioServerSchema>;
export type HttpServerConfig = z.output<typeof HttpServerSchema>;

export const McpServersFileSchema = z
  .record(z.string(), z.unknown())
  .transform((raw, ctx) => {
    const servers: Record<string, McpServerConfig> = {};
    for (const [alias, value] of Object.entries(raw)) {
      if (alias === '$schema') continue;
      if (!ALIAS_PATTERN.test(alias)) {
        ctx.addIssue({ code: 'custom', path: [alias], message: 'an alias starts with a letter and uses letters, digits, "_" and "-" (at most 64)' });
        continue;
      }
      const parsed = McpServerConfigSchema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [alias, ...issue.path] } as z.core.$ZodRawIssue);
        continue;
      }
      if (parsed.data.reconnect.maxMs < parsed.data.reconnect.initialMs) {
        ctx.addIssue({ code: 'custom', path: [alias, 'reconnect', 'maxMs'], message: 'must be at least reconnect.initialMs' });
      }
      servers[alias] = parsed.data;
    }
    return servers;
  });
export type McpServersFile = z.output<typeof McpServersFileSchema>;

export const MCP_SERVERS_CONFIG = 'mcp.servers.json';

/** Values the config may refer to: `${projectRoot}`, `${home}`, `${env:NAME}`. */
export interface PlaceholderScope {
  projectRoot: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** The launch details of one alias with placeholders expanded; errors name the file and field. */
export type ResolvedServer =
  | (Omit<StdioServerConfig, 'cwd'> & { alias: string; cwd: string })
  | (HttpServerConfig & { alias: string });

export function resolveServer(alias: string, config: McpServerConfig, scope: PlaceholderScope, file: string): ResolvedServer {
  const expand = (value: string, field: string): string =>
    value.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name === 'projectRoot') return scope.projectRoot;
      if (name === 'home') return scope.home;
      if (name.startsWith('env:')) {
        const variable = name.slice(4);
        const found = scope.env[variable];
        if (found === undefined) {
          throw new OrchError('invalid_input', `${file}: ${alias}.${field} needs the environment variable ${variable}, which is not set`, {
            file,
            issues: [{ path: `${alias}.${field}`, message: `environment variable ${variable} is not set` }],
          });
        }
        return found;
      }
      throw new OrchError('invalid_input', `${file}: ${alias}.${field} uses an unknown placeholder \${${name}} (known: \${projectRoot}, \${home}, \${env:NAME})`, {
        file,
        issues: [{ path: `${alias}.${field}`, message: `unknown placeholder \${${name}}` }],
      });
    });
  const expandAll = (record: Record<string, string>, field: string): Record<string, string> =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expand(v, `${field}.${k}`)]));

  if (config.transport === 'http') {
    const url = expand(config.url, 'url');
    if (!isHttpUrl(url)) {
      throw new OrchError('invalid_input', `${file}: ${alias}.url must be ${URL_HINT} (got "${url}")`, {
        file,
        issues: [{ path: `${alias}.url`, message: URL_HINT }],
      });
    }
    return { ...config, alias, url, headers: expandAll(config.headers, 'headers') };
  }
  const command = expand(config.command, 'command');
  const cwd = config.cwd ? expand(config.cwd, 'cwd') : scope.home;
  return {
    ...config,
    alias,
    // `node` is the Node.js running Orch: no PATH lookup, no npx (MCP servers are spawned directly).
    command: command === 'node' ? process.execPath : command,
    args: config.args.map((arg, i) => expand(arg, `args.${i}`)),
    env: expandAll(config.env, 'env'),
    cwd: isAbsolute(cwd) ? cwd : resolve(scope.home, cwd),
  };
}

export function placeholderScope(paths: Paths): PlaceholderScope {
  return { projectRoot: paths.projectRoot, home: paths.home, env: process.env };
}
