import type {
  AcfitPower,
  RefusalGround,
  RequestDirection,
  RequestEventKind,
  RequestStatus,
  RequestType,
  Urgency,
} from '../../../../shared/contract';
import { deadlineRules } from '../../../../shared/domain/requestDeadlines';

/** Plain words for the request log's vocabularies (the keys stay the contract's). */

export const directionLabels: Record<RequestDirection, string> = { outgoing: 'Outgoing', incoming: 'Incoming' };

export const typeLabels: Record<RequestType, string> = {
  files: 'Information in the files',
  compelled_documents: 'Compelled documents',
  testimony: 'Statement / testimony',
  onsite: 'On-site inspection',
  acfit: 'ACFIT power (EMMoU)',
  unsolicited: 'Unsolicited information',
};

export const acfitLabels: Record<AcfitPower, string> = {
  audit_workpapers: 'A: audit work papers',
  compel_attendance: 'C: compel attendance for testimony',
  freeze_assets: 'F: freeze assets',
  isp_records: 'I: ISP records',
  telephone_records: 'T: telephone records',
};

export const urgencyLabels: Record<Urgency, string> = { normal: 'Normal', urgent: 'Urgent' };

export const statusLabels: Record<RequestStatus, string> = {
  draft: 'Draft',
  sent: 'Sent',
  received: 'Received',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  partially_answered: 'Partially answered',
  answered: 'Answered',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
  closed: 'Closed',
};

export const eventLabels: Record<RequestEventKind, string> = {
  created: 'Recorded',
  updated: 'Edited',
  acknowledged: 'Acknowledged',
  revised_estimate: 'Revised estimate',
  partial_response: 'Partial response',
  consultation: 'Consultation',
  consent_received: 'Consent received',
  refused: 'Refused',
  answered: 'Answered',
  withdrawn: 'Withdrawn',
  closed: 'Closed',
  note: 'Note',
};

export const refusalGroundLabels: Record<RefusalGround, string> = {
  violates_domestic_law: 'Would breach domestic law',
  same_facts_criminal_proceeding: 'Criminal proceedings on the same facts',
  final_sanction_same_charges: 'Final sanction on the same charges',
  not_per_instrument: 'Not made under the instrument',
  public_or_national_interest: 'Public or national interest',
  adverse_own_investigation: 'Would harm our own investigation',
  state_security: 'State security',
  proceedings_pending_same_persons: 'Proceedings pending against the same persons',
  final_judgment: 'Final judgment given',
};

export const fieldLabels: Record<string, string> = {
  direction: 'Direction',
  ourRef: 'Our reference',
  theirRef: 'Their reference',
  ourAuthority: 'Our authority',
  counterpartAuthority: 'Counterpart authority',
  instrument: 'Instrument',
  provisionKey: 'Provision key',
  requestType: 'Type',
  acfitPower: 'ACFIT power',
  urgency: 'Urgency',
  urgencyReason: 'Reason for urgency',
  subject: 'Subject',
  factsSummary: 'Facts',
  purpose: 'Purpose',
  entities: 'Entities',
  deadlineRule: 'Deadline rule',
  sentAt: 'Sent on',
  receivedAt: 'Received on',
  estimatedResponseAt: 'Estimated response',
  status: 'Status',
};

const entityKindLabels: Record<string, string> = { lei: 'LEI', wallet: 'Wallet', name: 'Name' };
const wordsFrom =
  (table: Readonly<Record<string, string>>) =>
  (v: unknown): string | undefined =>
    typeof v === 'string' && Object.hasOwn(table, v) ? table[v] : undefined;
const deadlineRuleWords = (v: unknown): string | undefined =>
  typeof v === 'string' && Object.hasOwn(deadlineRules, v) ? deadlineRules[v as keyof typeof deadlineRules].label : undefined;
const entityWords = (v: unknown): string | undefined =>
  Array.isArray(v)
    ? v
        .map((e: { kind?: unknown; value?: unknown }) => `${entityKindLabels[String(e?.kind)] ?? String(e?.kind)}: ${String(e?.value)}`)
        .join('; ') || 'none'
    : undefined;
/** How the request history writes a changed field's value, in words (the stored value stays the contract's code). */
const valueWords: Record<string, (v: unknown) => string | undefined> = {
  direction: wordsFrom(directionLabels),
  requestType: wordsFrom(typeLabels),
  acfitPower: wordsFrom(acfitLabels),
  urgency: wordsFrom(urgencyLabels),
  status: wordsFrom(statusLabels),
  deadlineRule: deadlineRuleWords,
  entities: entityWords,
};

/** A changed field's value as the history shows it: "—" for nothing, words for a code, JSON only as a last resort. */
export function changeValueText(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  const words = valueWords[field]?.(v);
  if (words !== undefined) return words;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
