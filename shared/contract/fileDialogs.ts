import { z } from 'zod';

/**
 * The desktop app's native file dialogs (browser mode uploads and downloads instead). The renderer names only what
 * the dialog is for; main chooses the title, the filters and the options, shows the dialog and returns the paths
 * the person chose, which the renderer then hands to the backend (which accepts paths in desktop mode only).
 */
export const openPurposes = ['import', 'evidence', 'bundle-open'] as const;
export type OpenPurpose = (typeof openPurposes)[number];
export const savePurposes = ['bundle-export'] as const;
export type SavePurpose = (typeof savePurposes)[number];

export const openFileRequestSchema = z.object({ purpose: z.enum(openPurposes) }).strict();
export const saveFileRequestSchema = z
  .object({
    purpose: z.enum(savePurposes),
    /** A file name to suggest (no folder). */
    suggestedName: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^/\\\0]+$/, 'a file name, not a path'),
  })
  .strict();
export type OpenFileRequest = z.infer<typeof openFileRequestSchema>;
export type SaveFileRequest = z.infer<typeof saveFileRequestSchema>;

/** IPC channels of the dialogs (main ↔ preload). */
export const fileDialogChannels = { open: 'concordat:dialog-open', save: 'concordat:dialog-save' } as const;

/** What the preload adds to the bridge in the desktop app. */
export interface FileDialogs {
  /** The files chosen; [] when the dialog was cancelled. */
  openFiles(request: OpenFileRequest): Promise<string[]>;
  /** The path chosen; null when cancelled. */
  saveFile(request: SaveFileRequest): Promise<string | null>;
}
