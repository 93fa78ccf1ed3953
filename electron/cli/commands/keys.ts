import fs from 'node:fs';
import path from 'node:path';
import { parseCommandArgs, UsageError } from '../args';
import { exitOnBadInput } from '../badInput';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import type { Backend } from '../../backend/backend';
import { ContractError } from '../../../shared/contract/errors';
import type { KeyCard, PartnerKey, WorkstationInfo } from '../../../shared/contract/keys';

const usage = `concordat keys <init|show|export|import|trust|add|list|revoke> …

  concordat keys init --authority ID --name NAME
      Once per workstation: sets the authority it speaks for and makes its encryption key (age X25519)
      beside its signing key (Ed25519); both are kept encrypted at rest.
  concordat keys show
      This workstation's identity: authority, name, fingerprint, age recipient.
  concordat keys export --out FILE
      Writes this workstation's public key card (JSON) to give to partner authorities.
  concordat keys import FILE
      Adds a partner's key card as "unverified" and prints its fingerprint: compare it with the
      partner out of band (a phone call, a letter), then run keys trust.
  concordat keys trust FINGERPRINT
  concordat keys add --authority ID --age-recipient age1… [--signing-key PEM_FILE] [--name NAME]
      A partner that does not run Concordat: its age recipient (and Ed25519 key, if it signs).
  concordat keys list
  concordat keys revoke FINGERPRINT --reason TEXT

Every command takes --data-dir D and --json. Exit code 0 when all is well, 2 for bad input.`;

const call = <T>(backend: Backend, method: string, input: unknown) => backend.call(method, input) as Promise<T>;

function one(positionals: string[], what: string): string {
  const [value, ...extra] = positionals;
  if (!value) throw new UsageError(`Name the ${what}.`);
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}.`);
  return value;
}

const partnerLine = (p: PartnerKey) =>
  `${p.authority} (${p.name}) ${p.status}${p.revokedReason ? `: ${p.revokedReason}` : ''}\n  fingerprint ${p.fingerprint}\n  age recipient ${p.ageRecipient ?? '—'}; signing key ${p.signingKey ? 'yes' : 'none'}`;

async function simple(
  args: string[],
  options: Parameters<typeof parseCommandArgs>[1],
  work: (backend: Backend, values: Record<string, unknown>, positionals: string[]) => Promise<{ value: unknown; text: () => string }>,
) {
  const { values, positionals } = parseCommandArgs(args, options, true);
  const out = createOutput(values.json as boolean);
  return withBackend(
    values['data-dir'] as string | undefined,
    out,
    async (backend) => {
      const { value, text } = await work(backend, values as Record<string, unknown>, positionals);
      out.result(value, text);
      return 0;
    },
    { loadDemoOnFirstStart: false },
  );
}

const identityText = (i: WorkstationInfo) =>
  [
    `${i.name}${i.authority ? `, ${i.authority}` : ' (no authority set: run keys init)'}`,
    `  signing key fingerprint ${i.fingerprint}`,
    `  age recipient ${i.ageRecipient ?? '— (run keys init)'}`,
    `  private keys kept encrypted; secret in ${i.secretStorage}`,
  ].join('\n');

export const keysCommand: Command = {
  name: 'keys',
  summary: "This workstation's keys and the partner authorities' (key cards, trust, revocation)",
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    try {
      switch (sub) {
        case 'init':
          return await simple(rest, { authority: { type: 'string' }, name: { type: 'string' } }, async (b, v, p) => {
            if (p.length) throw new UsageError(`Unexpected arguments: ${p.join(' ')}.`);
            if (!v.authority || !v.name) throw new UsageError('--authority and --name are both required.');
            const info = await call<WorkstationInfo>(b, 'keys.init', { authority: v.authority, name: v.name });
            return { value: info, text: () => identityText(info) };
          });
        case 'show':
          return await simple(rest, {}, async (b) => {
            const info = await call<WorkstationInfo>(b, 'keys.identity', {});
            return { value: info, text: () => identityText(info) };
          });
        case 'export':
          return await simple(rest, { out: { type: 'string' } }, async (b, v) => {
            if (!v.out) throw new UsageError('--out FILE is required.');
            const card = await call<KeyCard>(b, 'keys.card', {});
            const file = path.resolve(v.out as string);
            fs.writeFileSync(file, `${JSON.stringify(card, null, 2)}\n`, { flag: 'wx' });
            return { value: { file, card }, text: () => `Key card written to ${file}\n  fingerprint ${card.fingerprint}` };
          });
        case 'import':
          return await simple(rest, {}, async (b, _v, p) => {
            const file = path.resolve(one(p, 'key card file'));
            let card: unknown;
            try {
              card = JSON.parse(fs.readFileSync(file, 'utf8'));
            } catch (error) {
              throw new ContractError('INVALID_INPUT', `${file} is not a key card (${(error as Error).message}).`);
            }
            const key = await call<PartnerKey>(b, 'keys.importCard', { card });
            return {
              value: key,
              text: () =>
                `${partnerLine(key)}\n${key.status === 'unverified' ? `Compare the fingerprint with ${key.authority} out of band, then run: concordat keys trust ${key.fingerprint}` : ''}`,
            };
          });
        case 'trust':
          return await simple(rest, {}, async (b, _v, p) => {
            const key = await call<PartnerKey>(b, 'keys.trust', { fingerprint: one(p, 'fingerprint') });
            return { value: key, text: () => partnerLine(key) };
          });
        case 'add':
          return await simple(
            rest,
            {
              authority: { type: 'string' },
              'age-recipient': { type: 'string' },
              'signing-key': { type: 'string' },
              name: { type: 'string' },
            },
            async (b, v) => {
              if (!v.authority || !v['age-recipient']) throw new UsageError('--authority and --age-recipient are required.');
              const signingKey = v['signing-key'] ? fs.readFileSync(path.resolve(v['signing-key'] as string), 'utf8') : undefined;
              const key = await call<PartnerKey>(b, 'keys.addPartner', {
                authority: v.authority,
                ageRecipient: v['age-recipient'],
                ...(signingKey ? { signingKey } : {}),
                ...(v.name ? { name: v.name } : {}),
              });
              return { value: key, text: () => partnerLine(key) };
            },
          );
        case 'list':
          return await simple(rest, {}, async (b) => {
            const keys = await call<PartnerKey[]>(b, 'keys.partners', {});
            return {
              value: keys,
              text: () =>
                keys.length === 0
                  ? 'No partner keys yet: import a key card (keys import) or add one (keys add).'
                  : renderTable(
                      ['Authority', 'Name', 'Status', 'Fingerprint', 'Signs', 'Encrypts'],
                      keys.map((k) => [
                        k.authority,
                        k.name,
                        k.status,
                        k.fingerprint,
                        k.signingKey ? 'yes' : 'no',
                        k.ageRecipient ? 'yes' : 'no',
                      ]),
                      [false, false, false, false, false, false],
                    ),
            };
          });
        case 'revoke':
          return await simple(rest, { reason: { type: 'string' } }, async (b, v, p) => {
            if (!v.reason) throw new UsageError('--reason is required: the trust list keeps why a key was revoked.');
            const key = await call<PartnerKey>(b, 'keys.revoke', { fingerprint: one(p, 'fingerprint'), reason: v.reason });
            return { value: key, text: () => partnerLine(key) };
          });
        default:
          throw new UsageError(sub ? `Unknown keys command "${sub}".` : 'Say which keys command to run.');
      }
    } catch (error) {
      return exitOnBadInput(error);
    }
  },
};
