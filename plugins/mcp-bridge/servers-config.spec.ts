import { expect } from 'chai';
import { McpServersFileSchema, resolveServer } from './servers-config.js';

const FILE = '/home/config/mcp.servers.json';
const scope = { projectRoot: '/opt/orch', home: '/home', env: { TOKEN: 's3cret' } as NodeJS.ProcessEnv };

function issuesOf(raw: unknown): string[] {
  const parsed = McpServersFileSchema.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('mcp-bridge: config/mcp.servers.json', () => {
  it('applies the documented defaults', () => {
    const servers = McpServersFileSchema.parse({ $schema: 'x', sample: { transport: 'stdio', command: 'node' } });
    expect(Object.keys(servers)).to.deep.equal(['sample']);
    expect(servers.sample).to.deep.include({
      required: false,
      timeoutMs: 60_000,
      connectTimeoutMs: 10_000,
      heartbeatMs: 15_000,
      riskLevel: 'medium',
      reconnect: { initialMs: 5000, factor: 2, maxMs: 60_000 },
      args: [],
      env: {},
    });
  });

  it('names the alias and field of each mistake', () => {
    expect(issuesOf({ a: { transport: 'ftp' } })).to.deep.equal(['a.transport: transport must be "stdio" (command, args, env, cwd) or "http" (url, headers)']);
    expect(issuesOf({ a: { transport: 'stdio' } })[0]).to.match(/^a\.command: /);
    expect(issuesOf({ a: { transport: 'http', url: 'ftp://x' } })[0]).to.match(/^a\.url: an http:\/\/ or https:\/\/ URL/);
    expect(issuesOf({ a: { transport: 'http', url: 'http://x/mcp', reconnect: { initialMs: 0 } } })[0]).to.match(/^a\.reconnect\.initialMs: /);
    expect(issuesOf({ a: { transport: 'http', url: 'http://x/mcp', command: 'node' } })[0]).to.match(/^a: .*command/);
    expect(issuesOf({ 'bad alias': { transport: 'stdio', command: 'x' } })[0]).to.match(/^bad alias: an alias starts with a letter/);
    expect(issuesOf({ a: { transport: 'http', url: 'http://x/mcp', reconnect: { initialMs: 5000, maxMs: 1000 } } })).to.deep.equal([
      'a.reconnect.maxMs: must be at least reconnect.initialMs',
    ]);
  });

  it('expands placeholders and maps `node` to this Node.js', () => {
    const servers = McpServersFileSchema.parse({
      s: { transport: 'stdio', command: 'node', args: ['${projectRoot}/x.mjs'], cwd: 'work', env: { KEY: '${env:TOKEN}' } },
      h: { transport: 'http', url: 'http://127.0.0.1:1/mcp', headers: { authorization: 'Bearer ${env:TOKEN}' } },
    });
    const s = resolveServer('s', servers.s!, scope, FILE);
    expect(s).to.deep.include({ command: process.execPath, args: ['/opt/orch/x.mjs'], cwd: '/home/work', env: { KEY: 's3cret' } });
    const h = resolveServer('h', servers.h!, scope, FILE);
    expect(h).to.deep.include({ headers: { authorization: 'Bearer s3cret' } });
  });

  it('reports a missing environment variable or unknown placeholder with file and field', () => {
    const servers = McpServersFileSchema.parse({ h: { transport: 'http', url: 'http://${env:NOPE}/mcp' }, s: { transport: 'stdio', command: '${what}' } });
    expect(() => resolveServer('h', servers.h!, scope, FILE)).to.throw(`${FILE}: h.url needs the environment variable NOPE, which is not set`);
    expect(() => resolveServer('s', servers.s!, scope, FILE)).to.throw(`${FILE}: s.command uses an unknown placeholder \${what}`);
  });
});
