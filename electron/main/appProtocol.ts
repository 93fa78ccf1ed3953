import fs from 'node:fs';
import path from 'node:path';
import { contentSecurityPolicy, rendererContentTypes } from '../../shared/contract/security';

/**
 * Maps an app://concordat/… URL to a file of the built renderer, or null. Only that host, only
 * files inside the folder, only known types: file:// is never used to load the UI.
 */
export function resolveAppFile(url: string, rendererDir: string): { file: string; contentType: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'app:' || parsed.host !== 'concordat') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return null;
  const contentType = rendererContentTypes[path.extname(file).toLowerCase()];
  if (!contentType) return null;
  return { file, contentType };
}

/** Builds the protocol response for a request (404 for anything not served). */
export async function appProtocolResponse(url: string, rendererDir: string): Promise<Response> {
  const resolved = resolveAppFile(url, rendererDir);
  const headers = { 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' };
  if (!resolved) return new Response('Not found', { status: 404, headers });
  try {
    const body = await fs.promises.readFile(resolved.file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': resolved.contentType } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}
