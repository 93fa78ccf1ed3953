import type { TimelineEntry, Tlp } from '../../../../shared/contract';
import type { CaseTab } from '../../stores/cases.store';

/** Plain words for the case file's vocabularies (the keys stay the contract's); those the dossier prints too live in shared. */
export { kindLabels, originLabels, roleLabels, statusLabels, subjectKindLabels } from '../../../../shared/domain/caseVocabulary';

/** FIRST TLP 2.0, in the standard's own short words: who may receive what is marked so. */
export const tlpMeaning: Record<Tlp, string> = {
  CLEAR: 'Disclosure is not limited.',
  GREEN: 'Limited disclosure: the recipients’ community, not public channels.',
  AMBER: 'Limited disclosure: the recipients’ organisation and its clients, on a need-to-know basis.',
  'AMBER+STRICT': 'Limited disclosure: the recipients’ organisation only, on a need-to-know basis.',
  RED: 'For the eyes and ears of the individual recipients only, no further disclosure.',
};

export const tabLabels: Record<CaseTab, string> = {
  items: 'Items',
  subjects: 'Subjects',
  tasks: 'Tasks',
  timeline: 'Timeline',
  search: 'Search',
  audit: 'Audit',
};

export const timelineSourceLabels: Record<TimelineEntry['source'], string> = {
  item: 'Items',
  request: 'Request events',
  task: 'Task due dates',
  audit: 'Recorded changes',
};

/** Admiralty code: how far the source has proved reliable. */
export const reliabilityLabels: Record<string, string> = {
  A: 'Completely reliable',
  B: 'Usually reliable',
  C: 'Fairly reliable',
  D: 'Not usually reliable',
  E: 'Unreliable',
  F: 'Reliability cannot be judged',
};

/** Admiralty code: how credible this piece of information is. */
export const credibilityLabels: Record<string, string> = {
  '1': 'Confirmed by other sources',
  '2': 'Probably true',
  '3': 'Possibly true',
  '4': 'Doubtful',
  '5': 'Improbable',
  '6': 'Truth cannot be judged',
};

/** "B2: usually reliable source, information probably true", for a tooltip or a screen reader. */
export function gradeMeaning(grade: string | null): string {
  if (!grade) return 'Not graded';
  const r = reliabilityLabels[grade[0]!];
  const c = credibilityLabels[grade[1]!];
  return r && c ? `${grade}: source ${r.toLowerCase()}; information ${c.toLowerCase()}` : grade;
}

/** A stored instant (ISO 8601 UTC) as "2026-12-05 12:24 UTC"; a date or a zoned time as given (its zone is kept). */
export function when(at: string): string {
  const utc = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z$/.exec(at);
  return utc ? `${utc[1]} ${utc[2]} UTC` : at.replace('T', ' ');
}

/** Bytes in words: 1,234 bytes, 12.3 KB, 4.5 MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
