import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { IsoDateInput } from '../../renderer/src/components/IsoDateInput';

afterEach(cleanup);

function Harness({ seen }: { seen: string[] }) {
  const [value, setValue] = useState('');
  return (
    <label>
      Received on
      <IsoDateInput
        value={value}
        onChange={(v) => {
          seen.push(v);
          setValue(v);
        }}
      />
    </label>
  );
}

describe('IsoDateInput', () => {
  it('is typed as yyyy-mm-dd whatever the locale, and marks a day that does not exist', () => {
    const seen: string[] = [];
    render(<Harness seen={seen} />);
    const input = screen.getByLabelText('Received on') as HTMLInputElement;
    // Not the browser's date control, which shows mm/dd/yyyy in an en-US browser.
    expect(input.type).toBe('text');
    expect(input.placeholder).toBe('yyyy-mm-dd');
    fireEvent.change(input, { target: { value: ' 2024-02-29 ' } });
    expect(seen).toEqual(['2024-02-29']);
    expect(input.value).toBe('2024-02-29');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    for (const bad of ['2025-02-29', '06/30/2026', '2026-6-30']) {
      fireEvent.change(input, { target: { value: bad } });
      expect(input.getAttribute('aria-invalid')).toBe('true');
    }
    fireEvent.change(input, { target: { value: '' } });
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });
});
