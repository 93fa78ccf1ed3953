import { useId, useState, type FormEvent } from 'react';
import { findingSeverities, type ProtocolInput, type ProtocolVersion } from '../../../../shared/contract';
import { walletChainLabels, walletChains, type WalletChain } from '../../../../shared/domain/wallets';
import { ErrorLine } from '../../components/ErrorLine';
import { failureOf } from '../../stores/cases.store';
import { useApi } from '../../stores/StoresContext';
import { described, Field } from '../cooperation/parts';

interface FindingDraft {
  ref: string;
  title: string;
  severity: (typeof findingSeverities)[number];
  status: 'open' | 'resolved';
}
interface AuditDraft {
  auditor: string;
  date: string;
  codeRef: string;
  /** Addresses of the protocol's contracts in the audit's scope. */
  scope: string[];
  findings: FindingDraft[];
}
interface ContractDraft {
  chain: string;
  address: string;
  role: string;
}
interface Draft {
  id: string;
  name: string;
  chains: string[];
  venues: string;
  kind: 'immutable' | 'proxy' | 'other';
  admin: string;
  insuranceFund: string;
  backstop: string;
  contracts: ContractDraft[];
  audits: AuditDraft[];
}

const emptyDraft: Draft = {
  id: '',
  name: '',
  chains: ['ethereum'],
  venues: '',
  kind: 'proxy',
  admin: '',
  insuranceFund: '',
  backstop: '',
  contracts: [],
  audits: [],
};

const severityLabels: Record<FindingDraft['severity'], string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  informational: 'Informational',
};

function draftOf(p: ProtocolVersion): Draft {
  return {
    id: p.id,
    name: p.name,
    chains: p.chains,
    venues: p.venues.join(', '),
    kind: p.upgradeability.kind,
    admin: p.upgradeability.admin ?? '',
    insuranceFund: String(p.insuranceFundUsd),
    backstop: p.backstop ?? '',
    contracts: p.contracts.map((c) => ({ chain: c.chain, address: c.address, role: c.role ?? '' })),
    audits: p.audits.map((a) => ({
      auditor: a.auditor,
      date: a.date,
      codeRef: a.scope.codeRef ?? '',
      scope: a.scope.contracts,
      findings: a.findings.map((f) => ({ ...f })),
    })),
  };
}

const optional = (s: string) => (s.trim() ? s.trim() : undefined);

/** The draft as the contract's input; the backend checks it whole (addresses, dates, chains) and says where. */
function inputOf(d: Draft): ProtocolInput {
  const fund = d.insuranceFund.trim() === '' ? NaN : Number(d.insuranceFund.replace(/[\s,]/g, ''));
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    chains: d.chains,
    contracts: d.contracts.map((c) => ({
      chain: c.chain,
      address: c.address.trim(),
      ...(optional(c.role) ? { role: c.role.trim() } : {}),
    })),
    venues: d.venues
      .split(/[,\s]+/)
      .map((v) => v.trim())
      .filter(Boolean),
    audits: d.audits.map((a) => ({
      auditor: a.auditor.trim(),
      date: a.date.trim(),
      scope: { contracts: a.scope, ...(optional(a.codeRef) ? { codeRef: a.codeRef.trim() } : {}) },
      findings: a.findings.map((f) => ({ ...f, ref: f.ref.trim(), title: f.title.trim() })),
    })),
    upgradeability: { kind: d.kind, ...(optional(d.admin) ? { admin: d.admin.trim() } : {}) },
    insuranceFundUsd: fund,
    ...(optional(d.backstop) ? { backstop: d.backstop.trim() } : {}),
  };
}

/**
 * Adds a protocol to the register or saves a new version of one: its chains and contracts (addresses checked by
 * the backend, EIP-55 on EVM chains), the venue ids its trades are reported under, its audits with their scope and
 * findings, upgradeability and insurance fund.
 */
export function ProtocolForm({
  initial,
  onSaved,
  onCancel,
}: {
  initial?: ProtocolVersion;
  onSaved: (p: ProtocolVersion) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(initial ? draftOf(initial) : emptyDraft);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setContract = (i: number, patch: Partial<ContractDraft>) =>
    set({ contracts: draft.contracts.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const setAudit = (i: number, patch: Partial<AuditDraft>) =>
    set({ audits: draft.audits.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  const setFinding = (i: number, k: number, patch: Partial<FindingDraft>) =>
    setAudit(i, { findings: draft.audits[i]!.findings.map((f, j) => (j === k ? { ...f, ...patch } : f)) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setErrors({});
    if (draft.insuranceFund.trim() === '' || !Number.isFinite(Number(draft.insuranceFund.replace(/[\s,]/g, '')))) {
      setErrors({ insuranceFundUsd: 'Enter the insurance fund in USD, 0 if there is none.' });
      return setError('The insurance fund is missing: enter an amount in USD, 0 if there is none.');
    }
    setBusy(true);
    try {
      onSaved(await api.call('protocols.save', { protocol: inputOf(draft) }));
    } catch (err) {
      const failure = failureOf(err);
      setErrors(failure.fieldErrors);
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  const f = (path: string) => `${id}-${path.replace(/\./g, '-')}`;
  return (
    <form
      onSubmit={(e) => void submit(e)}
      noValidate
      className="request-form protocol-form"
      aria-label={initial ? `Edit ${initial.name}` : 'Add a protocol'}
    >
      <Field id={f('name')} label="Name" error={errors.name}>
        <input {...described(f('name'), errors.name)} value={draft.name} onChange={(e) => set({ name: e.target.value })} />
      </Field>
      <Field id={f('id')} label="Register id" error={errors.id} hint="Lower-case letters, digits and hyphens, such as dydx-v4">
        <input
          {...described(f('id'), errors.id, true)}
          value={draft.id}
          readOnly={initial !== undefined}
          onChange={(e) => set({ id: e.target.value })}
        />
      </Field>
      <fieldset>
        <legend>Chains</legend>
        {walletChains.map((c) => (
          <label key={c} className="inline">
            <input
              type="checkbox"
              checked={draft.chains.includes(c)}
              onChange={(e) => set({ chains: e.target.checked ? [...draft.chains, c] : draft.chains.filter((x) => x !== c) })}
            />{' '}
            {walletChainLabels[c]}
          </label>
        ))}
        {errors.chains && <span className="field-error">{errors.chains}</span>}
      </fieldset>
      <Field
        id={f('venues')}
        label="Venue ids"
        error={errors['venues.0'] ?? errors.venues}
        hint="As the trade repository reports them, separated by commas"
      >
        <input {...described(f('venues'), errors.venues, true)} value={draft.venues} onChange={(e) => set({ venues: e.target.value })} />
      </Field>
      <fieldset>
        <legend>Contracts</legend>
        {draft.contracts.map((c, i) => (
          <div key={i} className="row-fields">
            <Field id={f(`contracts.${i}.chain`)} label={`Contract ${i + 1} chain`} error={errors[`contracts.${i}.chain`]}>
              <select
                {...described(f(`contracts.${i}.chain`), errors[`contracts.${i}.chain`])}
                value={c.chain}
                onChange={(e) => setContract(i, { chain: e.target.value })}
              >
                {draft.chains.map((ch) => (
                  <option key={ch} value={ch}>
                    {walletChainLabels[ch as WalletChain] ?? ch}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={f(`contracts.${i}.address`)} label={`Contract ${i + 1} address`} error={errors[`contracts.${i}.address`]}>
              <input
                {...described(f(`contracts.${i}.address`), errors[`contracts.${i}.address`])}
                className="mono"
                spellCheck={false}
                value={c.address}
                onChange={(e) => setContract(i, { address: e.target.value })}
              />
            </Field>
            <Field id={f(`contracts.${i}.role`)} label={`Contract ${i + 1} role`}>
              <input id={f(`contracts.${i}.role`)} value={c.role} onChange={(e) => setContract(i, { role: e.target.value })} />
            </Field>
            <button type="button" onClick={() => set({ contracts: draft.contracts.filter((_, j) => j !== i) })}>
              Remove contract {i + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => set({ contracts: [...draft.contracts, { chain: draft.chains[0] ?? 'ethereum', address: '', role: '' }] })}
        >
          Add contract
        </button>
      </fieldset>
      <fieldset>
        <legend>Audits</legend>
        {draft.audits.map((a, i) => (
          <fieldset key={i} className="audit">
            <legend>Audit {i + 1}</legend>
            <Field id={f(`audits.${i}.auditor`)} label={`Audit ${i + 1} auditor`} error={errors[`audits.${i}.auditor`]}>
              <input
                {...described(f(`audits.${i}.auditor`), errors[`audits.${i}.auditor`])}
                value={a.auditor}
                onChange={(e) => setAudit(i, { auditor: e.target.value })}
              />
            </Field>
            <Field id={f(`audits.${i}.date`)} label={`Audit ${i + 1} report date`} error={errors[`audits.${i}.date`]} hint="yyyy-mm-dd">
              <input
                {...described(f(`audits.${i}.date`), errors[`audits.${i}.date`], true)}
                inputMode="numeric"
                placeholder="yyyy-mm-dd"
                value={a.date}
                onChange={(e) => setAudit(i, { date: e.target.value })}
              />
            </Field>
            <Field id={f(`audits.${i}.codeRef`)} label={`Audit ${i + 1} code reviewed (commit or hash)`}>
              <input
                id={f(`audits.${i}.codeRef`)}
                className="mono"
                value={a.codeRef}
                onChange={(e) => setAudit(i, { codeRef: e.target.value })}
              />
            </Field>
            <div role="group" aria-label={`Audit ${i + 1} scope`}>
              <span className="small">In scope:</span>
              {draft.contracts.length === 0 && <span className="muted small"> add the protocol's contracts first</span>}
              {draft.contracts.map((c, k) => (
                <label key={k} className="inline">
                  <input
                    type="checkbox"
                    checked={a.scope.includes(c.address.trim())}
                    onChange={(e) =>
                      setAudit(i, {
                        scope: e.target.checked ? [...a.scope, c.address.trim()] : a.scope.filter((x) => x !== c.address.trim()),
                      })
                    }
                  />{' '}
                  Contract {k + 1}
                </label>
              ))}
            </div>
            {a.findings.map((fd, k) => (
              <div key={k} className="row-fields">
                <Field
                  id={f(`audits.${i}.findings.${k}.ref`)}
                  label={`Finding ${k + 1} reference`}
                  error={errors[`audits.${i}.findings.${k}.ref`]}
                >
                  <input
                    {...described(f(`audits.${i}.findings.${k}.ref`), errors[`audits.${i}.findings.${k}.ref`])}
                    value={fd.ref}
                    onChange={(e) => setFinding(i, k, { ref: e.target.value })}
                  />
                </Field>
                <Field
                  id={f(`audits.${i}.findings.${k}.title`)}
                  label={`Finding ${k + 1} title`}
                  error={errors[`audits.${i}.findings.${k}.title`]}
                >
                  <input
                    {...described(f(`audits.${i}.findings.${k}.title`), errors[`audits.${i}.findings.${k}.title`])}
                    value={fd.title}
                    onChange={(e) => setFinding(i, k, { title: e.target.value })}
                  />
                </Field>
                <Field id={f(`audits.${i}.findings.${k}.severity`)} label={`Finding ${k + 1} severity`}>
                  <select
                    id={f(`audits.${i}.findings.${k}.severity`)}
                    value={fd.severity}
                    onChange={(e) => setFinding(i, k, { severity: e.target.value as FindingDraft['severity'] })}
                  >
                    {findingSeverities.map((s) => (
                      <option key={s} value={s}>
                        {severityLabels[s]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field id={f(`audits.${i}.findings.${k}.status`)} label={`Finding ${k + 1} status`}>
                  <select
                    id={f(`audits.${i}.findings.${k}.status`)}
                    value={fd.status}
                    onChange={(e) => setFinding(i, k, { status: e.target.value as FindingDraft['status'] })}
                  >
                    <option value="open">Open</option>
                    <option value="resolved">Resolved</option>
                  </select>
                </Field>
              </div>
            ))}
            <button
              type="button"
              onClick={() => setAudit(i, { findings: [...a.findings, { ref: '', title: '', severity: 'high', status: 'open' }] })}
            >
              Add finding to audit {i + 1}
            </button>{' '}
            <button type="button" onClick={() => set({ audits: draft.audits.filter((_, j) => j !== i) })}>
              Remove audit {i + 1}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() =>
            set({
              audits: [
                ...draft.audits,
                { auditor: '', date: '', codeRef: '', scope: draft.contracts.map((c) => c.address.trim()), findings: [] },
              ],
            })
          }
        >
          Add audit
        </button>
      </fieldset>
      <Field id={f('kind')} label="Upgradeability">
        <select id={f('kind')} value={draft.kind} onChange={(e) => set({ kind: e.target.value as Draft['kind'] })}>
          <option value="immutable">Immutable</option>
          <option value="proxy">Upgradeable proxy</option>
          <option value="other">Other</option>
        </select>
      </Field>
      <Field id={f('admin')} label="Who can upgrade" hint="Such as “3-of-5 multisig, 48 h timelock”">
        <input {...described(f('admin'), undefined, true)} value={draft.admin} onChange={(e) => set({ admin: e.target.value })} />
      </Field>
      <Field id={f('insuranceFundUsd')} label="Insurance fund (USD)" error={errors.insuranceFundUsd}>
        <input
          {...described(f('insuranceFundUsd'), errors.insuranceFundUsd)}
          inputMode="decimal"
          value={draft.insuranceFund}
          onChange={(e) => set({ insuranceFund: e.target.value })}
        />
      </Field>
      <Field id={f('backstop')} label="Other backstop">
        <input id={f('backstop')} value={draft.backstop} onChange={(e) => set({ backstop: e.target.value })} />
      </Field>
      <ErrorLine message={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {initial ? 'Save new version' : 'Add to the register'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
