/**
 * Field names of the contract (`ourAuthority`, `receivedAt`, `filters.0.value`) as a user reads
 * them on the form: error messages name the field in words, while `details.issues[].path` keeps
 * the contract's path for the form to mark the field.
 */
const labels: Readonly<Record<string, string>> = {
  ourAuthority: 'Your authority',
  counterpartAuthority: 'Counterpart authority',
  requestingAuthority: 'Requesting authority',
  requestedAuthority: 'Requested authority',
  recipient: 'Recipient authority',
  provisionKey: 'Provision',
  instrumentCode: 'Instrument',
  receivedAt: 'Date received',
  sentAt: 'Date sent',
  estimatedResponseAt: 'Estimated response date',
  at: 'Date',
  asOfDate: 'As-of date',
  dueDate: 'Due date',
  eventDate: 'Date of the event',
  urgencyReason: 'Reason for urgency',
  acfitPower: 'ACFIT power asked for',
  refusalGround: 'Ground for refusal',
  kind: 'Kind of event',
  snapshotId: 'Snapshot',
  compareTo: 'Snapshot compared with',
  caseNumber: 'Case',
  lei: 'LEI',
  uti: 'UTI',
  upi: 'UPI',
  linkedItems: 'Linked items',
  personalData: 'Personal data',
  ownInvestigationSensitive: 'Sensitive to our own investigation',
  evidenceRef: 'Evidence reference',
  sourceUrl: 'Source address',
  originalName: 'File name',
  startRow: 'First row',
  endRow: 'Last row',
  colId: 'Column',
  ruleId: 'Rule',
  taskId: 'Task',
  partyId: 'Party',
  viewId: 'Saved view',
  v: 'Card format version',
  publicKey: 'Public key',
  signingKey: 'Signing key',
  ageRecipient: 'Age recipient',
  originAuthority: 'Origin authority',
  validFrom: 'Valid from',
  validTo: 'Valid to',
};

/** One segment in words: a known field's label, else the camelCase name split into words ("fooBarId" → "Foo bar"). */
function segmentLabel(segment: string): string {
  const known = labels[segment];
  if (known) return known;
  const words = segment
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A contract path as words: `['filters', 0, 'value']` → "Filters, item 1, value". */
export function fieldLabel(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return 'The input';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number' || /^\d+$/.test(String(segment))) return `item ${Number(segment) + 1}`;
      const label = segmentLabel(String(segment));
      // Later segments continue the sentence: lower case, except an acronym ("LEI").
      return i === 0 || /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
    })
    .join(', ');
}

/** "Date received: the received date cannot be later than today." — what the user reads when a field is refused. */
export function invalidFieldMessage(path: ReadonlyArray<PropertyKey>, message: string): string {
  const text = message.trim().replace(/\.$/, '');
  const first = /^[A-Z]{2}/.test(text) ? text.charAt(0) : text.charAt(0).toLowerCase();
  return `${fieldLabel(path)}: ${first}${text.slice(1)}.`;
}
