const descriptions = {
  cases: ['Cases', 'Case files for cross-border investigations, and signed case bundles.'],
} as const;

/** Placeholder for a feature that is not built yet: says what will be here, nothing more. */
export function PlannedView({ feature }: { feature: keyof typeof descriptions }) {
  const [title, text] = descriptions[feature];
  return (
    <section className="view">
      <h1>{title}</h1>
      <p className="muted">Not available in this version. {text}</p>
    </section>
  );
}
