import fs from 'node:fs';
import path from 'node:path';
import { rendererContentTypes } from '../../shared/contract/security';

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Resolves a URL path to a file inside the built renderer folder, or undefined. Paths that
 * escape the folder, hidden files and unknown types are never served.
 */
export function readStaticFile(root: string, urlPath: string): StaticFile | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return undefined;
  if (relative.split('/').some((part) => part.startsWith('.'))) return undefined;
  const contentType = rendererContentTypes[path.extname(resolved).toLowerCase()];
  if (!contentType) return undefined;
  try {
    const stat = fs.statSync(resolved);
    if (!stat.isFile()) return undefined;
    return { body: fs.readFileSync(resolved), contentType };
  } catch {
    return undefined;
  }
}
