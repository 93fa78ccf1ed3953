import { describe, expect, it } from 'vitest';
import { fieldLabel, invalidFieldMessage } from '../../../../shared/domain/fieldLabels';

describe('field names in the user’s words', () => {
  it('names known fields as the forms do, and splits any other camelCase name into words', () => {
    expect(fieldLabel(['ourAuthority'])).toBe('Your authority');
    expect(fieldLabel(['receivedAt'])).toBe('Date received');
    expect(fieldLabel(['snapshotId'])).toBe('Snapshot');
    expect(fieldLabel(['someNewField'])).toBe('Some new field');
    expect(fieldLabel(['holderId'])).toBe('Holder');
  });

  it('reads a nested path with items counted from one', () => {
    expect(fieldLabel(['filters', 0, 'value'])).toBe('Filters, item 1, value');
    expect(fieldLabel(['entities', '2', 'lei'])).toBe('Entities, item 3, LEI');
    expect(fieldLabel([])).toBe('The input');
  });

  it('builds the message without the contract’s name of the field or a doubled full stop', () => {
    const message = invalidFieldMessage(['ourAuthority'], 'Choose the authority you act for.');
    expect(message).toBe('Your authority: choose the authority you act for.');
    expect(message).not.toMatch(/ourAuthority|Invalid/);
  });
});
