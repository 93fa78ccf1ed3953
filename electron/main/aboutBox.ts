/**
 * What the About box shows: the version, the commit it was built from and the fingerprint of the release key its
 * releases are signed with, so a person can compare it with the key the agency received out of band.
 */
export interface BuildInfo {
  version: string;
  commit: string;
  /** The release public key in minisign's format, when the build was made for a signed release. */
  releasePublicKey: string | undefined;
}

/**
 * minisign's key id of a public key file: bytes 2–9 of its base64 line (the key number), printed as minisign
 * prints it (a little-endian 64-bit number in upper-case hex). Undefined for anything else.
 */
export function releaseKeyId(publicKeyText: string | undefined): string | undefined {
  const line = publicKeyText?.trim().split(/\r?\n/).at(-1);
  if (!line || !/^[A-Za-z0-9+/]{56}$/.test(line)) return undefined;
  const bytes = Buffer.from(line, 'base64');
  if (bytes.length !== 42 || bytes.subarray(0, 2).toString('latin1') !== 'Ed') return undefined;
  return Buffer.from(bytes.subarray(2, 10)).reverse().toString('hex').toUpperCase();
}

export function aboutContent(info: BuildInfo): { title: string; message: string; detail: string } {
  const keyId = releaseKeyId(info.releasePublicKey);
  return {
    title: 'About Concordat',
    message: `Concordat ${info.version}`,
    detail: [
      'Supervisory workstation for cross-border oversight of crypto-asset derivatives.',
      '',
      `Commit: ${info.commit}`,
      keyId
        ? `Release key: ${keyId} (minisign; compare with the key your agency received)`
        : 'Release key: none (a development build, not a signed release)',
    ].join('\n'),
  };
}
