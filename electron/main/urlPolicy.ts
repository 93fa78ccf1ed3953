import { appOrigin } from './windowOptions';

/** True for URLs inside the app itself (app://concordat/…). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'concordat';
  } catch {
    return false;
  }
}

/**
 * External links a user may open in the system browser: https only, to a short list of
 * reference sites (standards bodies and regulators), never with credentials or odd ports.
 */
export const externalHostAllowList: readonly string[] = [
  'www.gleif.org',
  'www.iosco.org',
  'www.bis.org',
  'www.esma.europa.eu',
  'www.iso20022.org',
];

export function isVettedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'https:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      parsed.port === '' &&
      externalHostAllowList.includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}

export { appOrigin };
