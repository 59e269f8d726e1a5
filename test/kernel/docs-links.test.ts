import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every relative link in README.md and docs/*.md must lead somewhere: the file or folder exists, and
 * a `#fragment` into a Markdown page names one of its headings (GitHub's anchor rules). A page that
 * is renamed or a heading that is reworded otherwise leaves a newcomer on a 404.
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Link {
  file: string;
  line: number;
  target: string;
}

describe('docs: every relative link in README.md and docs/ resolves', () => {
  let links: Link[];

  before(async () => {
    const files = ['README.md', ...(await readdir(join(projectRoot, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    links = (await Promise.all(files.map(async (file) => linksIn(file, await readFile(join(projectRoot, file), 'utf8'))))).flat();
  });

  it('finds the links it checks', () => {
    // A parser that silently finds nothing would pass the check below.
    expect(links.length).to.be.greaterThan(50);
    expect(links.some((l) => l.target.includes('#'))).to.equal(true);
  });

  it('leads only to files that exist and headings that exist', async () => {
    const problems: string[] = [];
    for (const link of links) {
      const problem = await problemOf(link);
      if (problem) problems.push(`${link.file}:${link.line}: (${link.target}) — ${problem}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('docs/index.md links every page of docs/, so none is found only by chance', async () => {
    const pages = (await readdir(join(projectRoot, 'docs'))).filter((f) => f.endsWith('.md') && f !== 'index.md');
    const linked = new Set(links.filter((l) => l.file === 'docs/index.md').map((l) => l.target.split('#')[0]));
    expect(pages.filter((page) => !linked.has(page)), 'pages docs/index.md does not link').to.deep.equal([]);
  });
});

/** Inline links and images `[text](target)` outside fenced code, minus absolute URLs and mail links. */
function linksIn(file: string, text: string): Link[] {
  const found: Link[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) found.push({ file, line: i + 1, target });
    }
  });
  return found;
}

async function problemOf(link: Link): Promise<string | undefined> {
  const [pathPart, fragment] = link.target.split('#', 2) as [string, string | undefined];
  const path = pathPart === '' ? join(projectRoot, link.file) : join(dirname(join(projectRoot, link.file)), decodeURI(pathPart));
  if (!existsSync(path)) return `${relative(projectRoot, path)} does not exist`;
  if (fragment === undefined || !path.endsWith('.md')) return undefined;
  const anchors = anchorsOf(await readFile(path, 'utf8'));
  return anchors.has(decodeURIComponent(fragment).toLowerCase()) ? undefined : `${relative(projectRoot, path)} has no heading with the anchor #${fragment}`;
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to dashes, -1, -2 for repeats. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
