import type { CaseHeader, Tlp } from '../../../../shared/contract';
import { tlpMeaning } from './caseLabels';

const tlpClass = (tlp: Tlp) => `tlp tlp-${tlp.toLowerCase().replace('+', '-')}`;

/** "TLP:AMBER" in the standard's colours (black ground, coloured text); the words say it without colour. */
export function TlpBadge({ tlp }: { tlp: Tlp }) {
  return (
    <span className={tlpClass(tlp)} title={tlpMeaning[tlp]} data-testid="tlp-badge">
      TLP:{tlp}
    </span>
  );
}

/** The classification across the top of a case: level, handling caveat and what the level allows. */
export function ClassificationBanner({ header }: { header: CaseHeader }) {
  return (
    <div
      className={`${tlpClass(header.classification)} classification-banner`}
      role="note"
      aria-label="Classification"
      data-testid="classification-banner"
    >
      <strong>TLP:{header.classification}</strong>
      {header.handlingCaveat && <span> · {header.handlingCaveat}</span>}
      <span className="banner-meaning"> · {tlpMeaning[header.classification]}</span>
    </div>
  );
}
