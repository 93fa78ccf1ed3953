import { describe, expect, it } from 'vitest';
import { codeLabel } from '../../../../shared/domain/codeLabels';

describe('codeLabel', () => {
  it('gives the words for the codes of trade reports, and the code itself when it has none', () => {
    expect(codeLabel('contractType', 'OPTN')).toBe('Option');
    expect(codeLabel('contractType', 'PERP')).toBe('Perpetual');
    expect(codeLabel('direction', 'BYER')).toBe('Buyer');
    expect(codeLabel('direction', 'TAKE')).toBe('Receiver of leg 1');
    expect(codeLabel('actionType', 'NEWT')).toBe('New');
    expect(codeLabel('actionType', 'TERM')).toBe('Terminate');
    expect(codeLabel('venue', 'XXXX')).toBe('Off-venue');
    expect(codeLabel('venue', 'XCME')).toBe('XCME');
    expect(codeLabel('collateralisation', 'UNCL')).toBe('Uncollateralised');
    expect(codeLabel('collateralisation', 'OWC1')).toBe('One-way collateralised: counterparty 1 only');
    expect(codeLabel('cleared', 'I')).toBe('Intent to clear');
    expect(codeLabel('contractType', 'ZZZZ')).toBe('ZZZZ');
    // Not an own property of the table: never a prototype member's name.
    expect(codeLabel('actionType', 'toString')).toBe('toString');
    expect(codeLabel('contractType', 'constructor')).toBe('constructor');
  });
});
