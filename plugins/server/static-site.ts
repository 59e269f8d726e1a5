import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type Koa from 'koa';
import type { AssetFolder } from './gui-panels.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web GUI and the plugins' browser assets, outside `/api`: `ui/dist` at `/` (an unknown path
 * without a file extension gets `index.html`, so deep links work), and each loaded plugin's asset
 * folder at `/plugins/<id>/<version>/…`, confined to that folder. HTML carries a Content-Security-Policy
 * that allows scripts from this origin only, plus the page's own import map (by hash).
 */
export class StaticSite {
  constructor(
    private readonly guiDir: string,
    private readonly assets: () => AssetFolder[],
  ) {}

  /** Serves the request when it names a GUI file or plugin asset; false when it does not (the caller answers 404). */
  async serve(ctx: Koa.Context): Promise<boolean> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    const path = safeDecode(ctx.path);
    if (path === undefined) return false;
    if (path.startsWith('/plugins/')) return this.servePluginAsset(ctx, path);
    return this.serveGui(ctx, path);
  }

  private async servePluginAsset(ctx: Koa.Context, path: string): Promise<boolean> {
    const [, , pluginId, version, ...rest] = path.split('/');
    const folder = this.assets().find((a) => a.pluginId === pluginId && a.version === version);
    if (!folder || rest.length === 0) return false;
    const file = confined(folder.folder, rest.join('/'));
    if (!file || !(await isFile(file))) return false;
    await send(ctx, file, IMMUTABLE);
    return true;
  }

  private async serveGui(ctx: Koa.Context, path: string): Promise<boolean> {
    const file = path === '/' ? undefined : confined(this.guiDir, path.slice(1));
    if (file && (await isFile(file))) {
      // Vite's hashed chunks never change; everything else (index.html, /shared/*) may, with a rebuild.
      await send(ctx, file, path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
      return true;
    }
    if (extname(path) !== '') return false;
    const index = join(this.guiDir, 'index.html');
    if (!(await isFile(index))) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = `<!doctype html><meta charset="utf-8"><title>Orch</title><h1>The Orch web GUI is not built</h1><p>Run <code>npm run build:ui</code> (or <code>npm start</code>, which builds it), then reload. The REST API is at <a href="/api">/api</a>.</p>\n`;
      return true;
    }
    const html = await readFile(index, 'utf8');
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Content-Security-Policy', contentSecurityPolicy(html));
    ctx.body = html;
    return true;
  }
}

/** Same origin only; the inline import map is allowed by its hash, nothing else inline runs. */
export function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The absolute path of `relativePath` inside `root`, or undefined if it would leave it. */
function confined(root: string, relativePath: string): string | undefined {
  if (relativePath.includes('\0')) return undefined;
  const file = resolve(root, relativePath);
  const inside = relative(root, file);
  return inside === '' || inside.startsWith('..') || inside.split(sep)[0] === '..' ? undefined : file;
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function send(ctx: Koa.Context, file: string, cacheControl: string): Promise<void> {
  ctx.status = 200;
  ctx.type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = await readFile(file);
}
