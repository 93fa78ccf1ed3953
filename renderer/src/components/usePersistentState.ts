import { useCallback, useState } from 'react';

/**
 * A layout preference kept across sessions in this window's local storage (panel open or
 * closed, a split's position). What is stored is checked with `accept`: a value from an older
 * version or a hand edit falls back to the default instead of breaking the page.
 */
export function usePersistentState<T>(key: string, fallback: T, accept: (value: unknown) => value is T) {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = globalThis.localStorage?.getItem(key);
      if (raw === null || raw === undefined) return fallback;
      const parsed: unknown = JSON.parse(raw);
      return accept(parsed) ? parsed : fallback;
    } catch {
      // No storage (a locked-down profile) or unreadable JSON: the default serves.
      return fallback;
    }
  });
  const update = useCallback(
    (next: T) => {
      setValue(next);
      try {
        globalThis.localStorage?.setItem(key, JSON.stringify(next));
      } catch {
        // Storage full or denied: the preference lasts this session only.
      }
    },
    [key],
  );
  return [value, update] as const;
}

export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
