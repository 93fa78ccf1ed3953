import { describe, expect, it } from 'vitest';
import { auditActionWords, auditEntryWords, auditObjectWords } from '../../../../shared/domain/caseVocabulary';

describe('audit entries in words', () => {
  it('say what was done to what, as the timeline shows them', () => {
    expect(auditEntryWords('add', 'item:evidence', '12')).toBe('Evidence file #12 added');
    expect(auditEntryWords('status', 'case', null)).toBe('The case status changed');
    expect(auditEntryWords('withdraw', 'subject', '3')).toBe('Subject #3 withdrawn');
    expect(auditEntryWords('grade', 'item:view', '1')).toBe('Pinned view #1 graded');
    // An action or object this version does not know is shown as recorded, in words.
    expect(auditEntryWords('re_sign', 'case_key', null)).toBe('Case key re sign');
    expect(auditObjectWords('item:unknownkind', '5')).toBe('unknownkind #5');
    expect(auditActionWords('export')).toBe('exported');
  });
});
