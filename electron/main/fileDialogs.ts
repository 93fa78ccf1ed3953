import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { openFileRequestSchema, saveFileRequestSchema, type OpenPurpose, type SavePurpose } from '../../shared/contract/fileDialogs';

/**
 * The native dialogs' options by purpose. Kept pure (no Electron at run time) so tests check them without the
 * binary; main.ts only passes them to `dialog.showOpenDialog` / `showSaveDialog`.
 */
export function openDialogOptions(purpose: OpenPurpose, defaultPath?: string): OpenDialogOptions {
  const base = defaultPath ? { defaultPath } : {};
  switch (purpose) {
    case 'import':
      return {
        ...base,
        title: 'Import TR files',
        buttonLabel: 'Import',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'TR files (CSV, ISO 20022 XML)', extensions: ['csv', 'xml'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
    case 'evidence':
      return {
        ...base,
        title: 'Attach evidence',
        buttonLabel: 'Attach',
        properties: ['openFile'],
        filters: [{ name: 'All files', extensions: ['*'] }],
      };
    case 'bundle-open':
      return {
        ...base,
        title: 'Open a case bundle',
        buttonLabel: 'Open',
        properties: ['openFile'],
        filters: [
          { name: 'Case bundles', extensions: ['casebundle'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
  }
}

export function saveDialogOptions(purpose: SavePurpose, suggestedName: string, folder?: string): SaveDialogOptions {
  switch (purpose) {
    case 'bundle-export':
      return {
        title: 'Export the case bundle',
        buttonLabel: 'Export',
        defaultPath: folder ? `${folder.replace(/[/\\]+$/, '')}/${suggestedName}` : suggestedName,
        filters: [{ name: 'Case bundles', extensions: ['casebundle'] }],
        // No "replace?" question: the export never overwrites a file (the backend refuses an existing path).
        properties: ['createDirectory'],
      };
  }
}

/** What main needs of Electron's dialog module (injected: tests pass fakes). */
export interface DialogShower {
  showOpen(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSave(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

/** Handles the renderer's request to open files: parsed with zod first (anything else is refused). */
export async function openFiles(raw: unknown, shower: DialogShower, defaultPath?: string): Promise<string[]> {
  const request = openFileRequestSchema.parse(raw);
  const chosen = await shower.showOpen(openDialogOptions(request.purpose, defaultPath));
  return chosen.canceled ? [] : chosen.filePaths;
}

export async function saveFile(raw: unknown, shower: DialogShower, folder?: string): Promise<string | null> {
  const request = saveFileRequestSchema.parse(raw);
  const chosen = await shower.showSave(saveDialogOptions(request.purpose, request.suggestedName, folder));
  if (chosen.canceled || !chosen.filePath) return null;
  // Some Linux dialogs return the name as typed: the bundle keeps its extension, so inboxes and filters know it.
  return /\.casebundle$/i.test(chosen.filePath) ? chosen.filePath : `${chosen.filePath}.casebundle`;
}
