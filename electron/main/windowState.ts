import { z } from 'zod';

/**
 * The main window's bounds, remembered between sessions (<userData>/window-state.json). Restored only where they
 * still fit a display: a monitor unplugged since, or a smaller resolution, must not open the window off screen.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rect {
  maximized: boolean;
}

export const windowStateFileName = 'window-state.json';

const stateSchema = z
  .object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    maximized: z.boolean(),
  })
  .strict();

/** A saved state, or undefined for anything unreadable (first start, a damaged file): the defaults apply. */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (!text) return undefined;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify(state)}\n`;
}

function overlap(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/**
 * Where to open the window: the saved bounds on the display they overlap most, shrunk to its work area and moved
 * inside it; undefined (use the defaults) when no display shows at least 100 × 50 px of its title bar strip.
 */
export function restoreBounds(
  saved: WindowState | undefined,
  workAreas: readonly Rect[],
  min: { width: number; height: number },
): WindowState | undefined {
  if (!saved || workAreas.length === 0) return undefined;
  const titleStrip = { x: saved.x, y: saved.y, width: saved.width, height: 50 };
  const best = [...workAreas].sort((a, b) => overlap(saved, b) - overlap(saved, a))[0]!;
  if (workAreas.every((area) => overlap(titleStrip, area) < 100 * 50)) return undefined;
  const width = Math.max(min.width, Math.min(saved.width, best.width));
  const height = Math.max(min.height, Math.min(saved.height, best.height));
  const x = Math.min(Math.max(saved.x, best.x), best.x + best.width - width);
  const y = Math.min(Math.max(saved.y, best.y), best.y + best.height - height);
  return { x, y, width, height, maximized: saved.maximized };
}
