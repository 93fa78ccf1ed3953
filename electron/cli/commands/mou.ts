import { parseCommandArgs, UsageError } from '../args';
import type { Command } from '../command';
import { withBackend } from '../openBackend';
import { createOutput } from '../output';
import { renderTable } from '../table';
import {
  dataCategories,
  purposes,
  subjects,
  type AuthoritySummary,
  type InstrumentDetail,
  type InstrumentSummary,
  type MayShareInput,
  type PartySource,
  type ShareDecision,
} from '../../../shared/contract/cooperation';
import { closeMatches } from '../../../shared/domain/closeMatches';

const usage = `concordat mou <check|authorities|instruments|instrument> …

  concordat mou check --home A --recipient B --category C[,C…] --purpose P [--date YYYY-MM-DD]
                      [--subject S] [--compel] [--received-from A [--under INSTRUMENT]]
                      [--personal-data] [--sensitive] [--entity TEXT] [--record] [--data-dir D] [--json]
      May category C of data go from authority A to authority B for purpose P on the date (default
      today)? Prints the outcome (ALLOW, ALLOW_WITH_CONDITIONS, CONSENT_REQUIRED, NEEDS_REVIEW,
      NO_BASIS, DENY), each basis with its provision keys and the parties' statuses with their
      sources (address and date checked), the conditions, the legend to stamp and the reasoning step
      by step. Exit code 0 whatever the answer; 2 for a usage error.
      --compel      obtain the data with compulsory powers (default: share what is in our files)
      --received-from A --under I   the data came from authority A under instrument I (originator control)
      --personal-data   the data identify natural persons (GDPR transfer rules)
      --sensitive   sharing could harm one of our own investigations (a refusal ground)
      --record      store the decision with its inputs and trace (cases and bundles cite it)
      Authorities by short name (CFTC, SCB, AMF-FR, VARA, …: see \`concordat mou authorities\`).
      Categories: ${dataCategories.join(', ')}.
      Purposes: ${purposes.join(', ')}.
      Subjects: ${subjects.join(', ')}.

  concordat mou authorities [--data-dir D] [--json]
  concordat mou instruments [--data-dir D] [--json]
  concordat mou instrument CODE [--data-dir D] [--json]`;

export const mouCommand: Command = {
  name: 'mou',
  summary: 'MoU registry: may this data go to that authority? Authorities and instruments',
  usage,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'check':
        return check(rest);
      case 'authorities':
        return authorities(rest);
      case 'instruments':
        return instruments(rest);
      case 'instrument':
        return instrument(rest);
      default:
        throw new UsageError(sub ? `Unknown mou command "${sub}".` : 'Say which mou command to run.');
    }
  },
};

/** A value from a fixed list, or a usage error naming the close matches. */
function oneOf<T extends string>(option: string, value: string, known: readonly T[]): T {
  if ((known as readonly string[]).includes(value)) return value as T;
  const near = closeMatches(value, known);
  throw new UsageError(
    `Unknown --${option} "${value}".${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''} Known: ${known.join(', ')}.`,
  );
}

async function check(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    home: { type: 'string' },
    recipient: { type: 'string' },
    category: { type: 'string' },
    purpose: { type: 'string' },
    date: { type: 'string' },
    subject: { type: 'string' },
    compel: { type: 'boolean', default: false },
    'received-from': { type: 'string' },
    under: { type: 'string' },
    'personal-data': { type: 'boolean', default: false },
    sensitive: { type: 'boolean', default: false },
    entity: { type: 'string' },
    record: { type: 'boolean', default: false },
  });
  for (const required of ['home', 'recipient', 'category', 'purpose'] as const)
    if (values[required] === undefined) throw new UsageError(`--${required} is required.`);
  const categories = values.category!.split(',').map((c) => oneOf('category', c.trim(), dataCategories));
  const purpose = oneOf('purpose', values.purpose!, purposes);
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) throw new UsageError(`--date takes YYYY-MM-DD, not "${date}".`);
  if (values.under !== undefined && values['received-from'] === undefined) throw new UsageError('--under needs --received-from.');
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const decisions: Array<{ category: string; decision: ShareDecision }> = [];
    for (const category of categories) {
      const input: MayShareInput = {
        home: values.home!,
        recipient: values.recipient!,
        category,
        purpose,
        date,
        mode: values.compel ? 'obtain_compelled' : 'share_from_files',
        personalData: values['personal-data'],
        ownInvestigationSensitive: values.sensitive,
        record: values.record,
        ...(values.subject === undefined ? {} : { subject: oneOf('subject', values.subject, subjects) }),
        ...(values.entity === undefined ? {} : { entity: values.entity }),
        ...(values['received-from'] === undefined
          ? {}
          : {
              provenance: {
                origin: 'received_foreign',
                originAuthority: values['received-from'],
                ...(values.under === undefined ? {} : { originInstrument: values.under }),
              },
            }),
      };
      decisions.push({ category, decision: (await backend.call('cooperation.mayShare', input)) as ShareDecision });
    }
    out.result(decisions.length === 1 ? decisions[0]!.decision : decisions, () =>
      decisions
        .map(({ category, decision }) => renderDecision(values.home!, values.recipient!, category, purpose, date, decision))
        .join('\n\n'),
    );
    return 0;
  });
}

function renderDecision(home: string, recipient: string, category: string, purpose: string, date: string, d: ShareDecision): string {
  const lines = [
    `${home} → ${recipient}: ${category} for ${purpose} on ${date}`,
    `Outcome: ${d.outcome}${d.consentNeededFrom ? ` (consent of ${d.consentNeededFrom})` : ''}`,
  ];
  if (d.decisionId !== undefined) lines.push(`Recorded as decision #${d.decisionId}.`);
  if (d.bases.length > 0) {
    lines.push('', 'Bases:');
    for (const b of d.bases) {
      lines.push(`  ${b.instrument} (${b.instrumentTitle}): ${b.outcome}; provisions ${b.provisionKeys.join(', ') || 'none recorded'}`);
      // What the parties' standing rests on: a lawyer checks the source before relying on the answer.
      for (const p of b.partySources ?? [])
        lines.push(
          `    ${p.authority}: ${partyStanding(p)}; source ${p.sourceUrl ?? 'none recorded'}${p.asOf ? ` (checked ${p.asOf})` : ''}`,
        );
    }
  }
  if (d.conditions.length > 0) {
    lines.push('', 'Conditions:');
    for (const c of d.conditions) lines.push(`  - ${c.text}${c.provisionKey ? ` [${c.provisionKey}]` : ''}`);
  }
  if (d.legend) lines.push('', 'Legend to stamp:', `  ${d.legend}`);
  if (d.advice.length > 0) {
    lines.push('', 'Advice:');
    for (const a of d.advice) lines.push(`  - ${a}`);
  }
  lines.push('', 'Reasoning:');
  d.trace.forEach((t, i) => lines.push(`  ${i + 1}. [${t.step}] ${t.text}${t.outcome ? ` → ${t.outcome}` : ''}`));
  lines.push('', `Registry ${d.registrySha256.slice(0, 12)}…, engine ${d.engineVersion}.`);
  return lines.join('\n');
}

function partyStanding(p: PartySource): string {
  const tier = p.tier ? `tier ${p.tier}` : 'party';
  const from = p.validFrom === '0001-01-01' ? 'from an unknown date' : `from ${p.validFrom}`;
  return p.status === 'unknown' ? `${tier}, not verified` : `${tier} ${from}${p.status === 'synthetic' ? ' (synthetic test value)' : ''}`;
}

async function authorities(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {});
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const list = (await backend.call('cooperation.authorities', {})) as AuthoritySummary[];
    const status = (a: AuthoritySummary, code: string) =>
      a.memberships
        .filter((m) => m.instrument === code)
        .map((m) =>
          m.status === 'unknown'
            ? 'unknown'
            : `${m.tier ?? 'signatory'}${m.status === 'synthetic' ? ' (synthetic)' : ''} from ${m.validFrom}`,
        )
        .join('; ') || '—';
    out.result(list, () =>
      renderTable(
        ['Short', 'Authority', 'Jurisdiction', 'Type', 'MMoU', 'EMMoU'],
        list.map((a) => [a.shortName, a.fullName, a.jurisdiction, a.authorityType, status(a, 'IOSCO_MMOU'), status(a, 'IOSCO_EMMOU')]),
        [false, false, false, false, false, false],
      ),
    );
    return 0;
  });
}

async function instruments(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {});
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const list = (await backend.call('cooperation.instruments', {})) as InstrumentSummary[];
    out.result(list, () =>
      renderTable(
        ['Code', 'Title', 'Form', 'Function', 'Effective', 'Parties'],
        list.map((i) => [i.code, i.title, i.form, i.function, i.effectiveDate ?? '—', String(i.parties)]),
        [false, false, false, false, false, true],
      ),
    );
    return 0;
  });
}

async function instrument(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, true);
  if (positionals.length !== 1) throw new UsageError('Name one instrument by its code, e.g. concordat mou instrument IOSCO_MMOU.');
  const out = createOutput(values.json);
  return withBackend(values['data-dir'], out, async (backend) => {
    const i = (await backend.call('cooperation.instrument', { code: positionals[0]! })) as InstrumentDetail;
    out.result(i, () =>
      [
        `${i.title} (${i.code})`,
        `${i.form}, ${i.function}; binding: ${i.legallyBinding === null ? 'not verified' : i.legallyBinding ? 'yes' : 'no'}; effective ${i.effectiveDate ?? '—'}`,
        '',
        renderTable(
          ['Party', 'Role', 'Tier', 'Request', 'Receive', 'From', 'To', 'Status'],
          i.partyRows.map((p) => [
            p.authority,
            p.role,
            p.tier ?? '—',
            p.canRequest === null ? 'unknown' : p.canRequest ? 'yes' : 'no',
            p.canReceive === null ? 'unknown' : p.canReceive ? 'yes' : 'no',
            p.validFrom === '0001-01-01' ? 'unknown' : p.validFrom,
            p.validTo ?? '—',
            p.status,
          ]),
          [false, false, false, false, false, false, false, false],
        ),
        '',
        'Provisions:',
        ...i.provisions.map((p) => `  ${p.key}${p.displayRef ? ` (${p.displayRef})` : ''}: ${p.summary}`),
      ].join('\n'),
    );
    return 0;
  });
}
