/**
 * The URL of an operation: the service's base URL with `path` appended. Refused (undefined) when
 * the result leaves the base — another origin, or `..` climbing above the base path — so a
 * templated path cannot point a call somewhere else.
 */
export function operationUrl(baseUrl: string, path: string): URL | undefined {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(`${base.origin}${basePath}${path}`);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin) return undefined;
  if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return undefined;
  for (const [name, value] of base.searchParams) if (!url.searchParams.has(name)) url.searchParams.append(name, value);
  return url;
}
