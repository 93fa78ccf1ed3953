import { pathsRefusedInBrowserMode } from '../backend/snapshots/startImport';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * What browser mode refuses before a call reaches the backend. A page (ours, or any holding the token) must not
 * make the server read or probe its own files: `snapshots.import` takes uploads only. A file entry naming a path
 * is refused with one answer, before anything looks at the path, so the answer never tells whether it exists.
 */
export function refuseServerPaths(method: string, input: unknown): void {
  if (method !== 'snapshots.import' || !isObject(input) || !Array.isArray(input.files)) return;
  if (input.files.some((file) => isObject(file) && Object.hasOwn(file, 'path'))) throw pathsRefusedInBrowserMode();
}
