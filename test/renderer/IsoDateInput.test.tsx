import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { IsoDateInput } from '../../renderer/src/components/IsoDateInput';
import { usePreferences } from '../../renderer/src/stores/preferences';

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

describe('IsoDateInput in the date format chosen in Settings', () => {
  afterEach(() => act(() => usePreferences.getState().setDateFormat('iso')));

  it('shows and reads dd/mm/yyyy, still accepts ISO, and always gives the form yyyy-mm-dd', () => {
    act(() => usePreferences.getState().setDateFormat('dmy'));
    const seen: string[] = [];
    render(<Harness seen={seen} />);
    const input = screen.getByLabelText('Received on') as HTMLInputElement;
    expect(input.placeholder).toBe('dd/mm/yyyy');
    fireEvent.change(input, { target: { value: '1/6/2026' } });
    expect(seen.at(-1)).toBe('2026-06-01');
    expect(input.value).toBe('01/06/2026');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    fireEvent.change(input, { target: { value: '2026-06-30' } });
    expect(seen.at(-1)).toBe('2026-06-30');
    expect(input.value).toBe('30/06/2026');
    // 31 June does not exist; 06/30 is month/day, not this format.
    for (const bad of ['31/06/2026', '06/30/2026', '30 Jun 2026']) {
      fireEvent.change(input, { target: { value: bad } });
      expect(input.getAttribute('aria-invalid'), bad).toBe('true');
      expect(seen.at(-1)).toBe(bad);
    }
  });

  it('a change of format shows the same date anew; day-month-name reads any case', () => {
    const seen: string[] = [];
    render(<Harness seen={seen} />);
    const input = screen.getByLabelText('Received on') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '2026-02-03' } });
    act(() => usePreferences.getState().setDateFormat('mdy'));
    expect(input.value).toBe('02/03/2026');
    act(() => usePreferences.getState().setDateFormat('dMonY'));
    expect(input.value).toBe('03 Feb 2026');
    fireEvent.change(input, { target: { value: '29 feb 2024' } });
    expect(seen.at(-1)).toBe('2024-02-29');
    expect(input.value).toBe('29 Feb 2024');
  });
});
