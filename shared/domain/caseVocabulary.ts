import type { CaseStatus, ItemKind, ItemOrigin, SubjectKind, SubjectRole } from '../contract/cases';

/**
 * Words for the case file's vocabularies, shared by the app and the printed dossier (which a foreign authority or a
 * court reads): the keys stay the contract's.
 */

export const statusLabels: Record<CaseStatus, string> = {
  open: 'Open',
  suspended: 'Suspended',
  closed: 'Closed',
  archived: 'Archived',
};

export const kindLabels: Record<ItemKind, string> = {
  view: 'Pinned view',
  trades: 'Trades',
  decision: 'Sharing decision',
  request: 'Request',
  finding: 'Finding',
  evidence: 'Evidence file',
  note: 'Note',
};

export const subjectKindLabels: Record<SubjectKind, string> = {
  legal_entity: 'Legal entity (LEI)',
  natural_person: 'Natural person',
  wallet: 'Wallet',
  venue: 'Venue',
  protocol: 'Protocol',
};

export const roleLabels: Record<SubjectRole, string> = {
  subject: 'Subject',
  counterparty: 'Counterparty',
  venue: 'Venue',
  other: 'Other',
};

export const originLabels: Record<ItemOrigin, string> = {
  own_collection: 'Our own collection',
  received_foreign: 'Received from a foreign authority',
  received_domestic: 'Received from a domestic authority',
  public: 'Public',
};

const auditVerbs: Readonly<Record<string, string>> = {
  add: 'added',
  create: 'opened',
  edit: 'edited',
  status: 'status changed',
  grade: 'graded',
  withdraw: 'withdrawn',
  purge: 'purged',
  export: 'exported',
};

/** What an audit entry acted on, in words: "the case", "subject 3", "evidence file #12". */
export function auditObjectWords(objectType: string, objectId: string | null): string {
  const id = objectId ? ` #${objectId}` : '';
  if (objectType === 'case') return 'the case';
  if (objectType.startsWith('item:')) {
    const kind = objectType.slice(5);
    const name = Object.hasOwn(kindLabels, kind) ? kindLabels[kind as ItemKind] : kind;
    return `${name.toLowerCase()}${id}`;
  }
  return `${objectType.replace(/_/g, ' ')}${id}`;
}

/** An audit entry as a sentence for the timeline: "Evidence file #12 added", "The case status changed". */
export function auditEntryWords(action: string, objectType: string, objectId: string | null): string {
  const object = auditObjectWords(objectType, objectId);
  const verb = Object.hasOwn(auditVerbs, action) ? auditVerbs[action]! : action.replace(/_/g, ' ');
  return `${object.charAt(0).toUpperCase()}${object.slice(1)} ${verb}`;
}

/** An audit action in words for the audit table ("status changed"). */
export const auditActionWords = (action: string): string =>
  Object.hasOwn(auditVerbs, action) ? auditVerbs[action]! : action.replace(/_/g, ' ');
