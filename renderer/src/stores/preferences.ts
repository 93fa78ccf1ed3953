import { create } from 'zustand';
import { isDateFormat, type DateFormat } from '../../../shared/domain/dateFormat';

/**
 * Display preferences of this workstation's user, kept in the window's local storage (they
 * change how things look, never what is stored or exported): the date format.
 */
interface Preferences {
  dateFormat: DateFormat;
  setDateFormat(format: DateFormat): void;
}

const KEY = 'concordat.preferences.dateFormat';

function storedDateFormat(): DateFormat {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return isDateFormat(raw) ? raw : 'iso';
  } catch {
    return 'iso';
  }
}

export const usePreferences = create<Preferences>((set) => ({
  dateFormat: storedDateFormat(),
  setDateFormat(format) {
    try {
      globalThis.localStorage?.setItem(KEY, format);
    } catch {
      // Storage denied: the choice lasts this session.
    }
    set({ dateFormat: format });
  },
}));

/** The date format now, for code outside components (labels built in plain functions). */
export const currentDateFormat = (): DateFormat => usePreferences.getState().dateFormat;
