import { useEffect } from 'react';
import { useCasesStore } from '../../stores/StoresContext';
import { CaseList } from './CaseList';
import { CasePage } from './CasePage';

/** The Cases page: the list of cases, or the case (and item) the address names. */
export function CasesView() {
  const caseNumber = useCasesStore((s) => s.route.caseNumber);
  const loaded = useCasesStore((s) => s.loaded);
  const loadList = useCasesStore((s) => s.loadList);
  useEffect(() => {
    if (!caseNumber && !loaded) void loadList();
  }, [caseNumber, loaded, loadList]);
  return caseNumber ? <CasePage /> : <CaseList />;
}
