import { describe, expect, it } from 'vitest';
import { changeValueText } from '../../renderer/src/features/requests/requestLabels';

describe('the request history in words', () => {
  it('writes codes of changed fields as the form names them, and nothing as a dash', () => {
    expect(changeValueText('status', 'sent')).toBe('Sent');
    expect(changeValueText('requestType', 'acfit')).not.toBe('acfit');
    expect(changeValueText('deadlineRule', 'MICA_ITS_2024_2545')).toBe('MiCA ITS 2024/2545 (NCA ↔ NCA)');
    expect(
      changeValueText('entities', [
        { kind: 'lei', value: '5493001KJTIIGC8Y1R12' },
        { kind: 'wallet', value: '0xabc' },
      ]),
    ).toBe('LEI: 5493001KJTIIGC8Y1R12; Wallet: 0xabc');
    expect(changeValueText('subject', 'Spoofing on BTC perpetuals')).toBe('Spoofing on BTC perpetuals');
    expect(changeValueText('status', null)).toBe('—');
    // A code the labels do not know is shown as it is, never dropped.
    expect(changeValueText('status', 'someday')).toBe('someday');
  });
});
