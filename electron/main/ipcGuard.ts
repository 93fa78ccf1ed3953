import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { isAppUrl } from './urlPolicy';

/**
 * Every IPC message main accepts must come from a frame of our own app. A compromised or
 * navigated frame (another origin, a subframe) gets nothing.
 */
export function isTrustedSender(event: Pick<IpcMainEvent | IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  return isAppUrl(frame.url) && frame.parent === null;
}
