import type { AlertUnit } from '../contract/alerts';

/** A value or threshold in its rule's unit. */
export function formatAlertValue(unit: AlertUnit, x: number): string {
  switch (unit) {
    case 'ratio':
      return `${(x * 100).toFixed(1)} %`;
    case 'points':
      return `${(x * 100).toFixed(1)} pts`;
    case 'multiple':
      return `${x.toFixed(1)}×`;
    case 'hhi':
      return x.toFixed(0);
    case 'count':
      return String(Math.round(x));
    case 'usd':
      return `USD ${Math.round(x).toLocaleString('en-US')}`;
    case 'months':
      return `${x.toFixed(1)} months`;
  }
}
