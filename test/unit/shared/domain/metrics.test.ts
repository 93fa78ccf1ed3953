import { describe, expect, it } from 'vitest';
import { NOT_COMPUTABLE, formatMetric, isMetricId, metricDefinitions, metricIds } from '../../../../shared/domain/metrics';
import type { MetricId, MetricUnit } from '../../../../shared/domain/metrics';

const MINUS = '\u2212';
const units: readonly MetricUnit[] = ['count', 'usd', 'ratio', 'percent', 'hhi', 'multiple'];

/** The first metric of a unit, so that formatting is tested through real definitions. */
function metricOf(unit: MetricUnit): MetricId {
  const id = metricIds.find((m) => metricDefinitions[m].unit === unit);
  if (!id) throw new Error(`no metric with unit ${unit}`);
  return id;
}

describe('metric definitions', () => {
  it('defines every id exactly once, under its own key', () => {
    expect(new Set(metricIds).size).toBe(metricIds.length);
    expect(Object.keys(metricDefinitions).sort()).toEqual([...metricIds].sort());
    for (const id of metricIds) expect(metricDefinitions[id].id).toBe(id);
  });

  it('gives every metric a label, a known unit and a short formula', () => {
    const labels = new Set<string>();
    for (const id of metricIds) {
      const def = metricDefinitions[id];
      expect(def.label.trim(), id).not.toBe('');
      labels.add(def.label);
      expect(units, id).toContain(def.unit);
      expect(def.formula.trim().length, id).toBeGreaterThan(20);
      // At most two sentences a supervisor can read in a tooltip.
      const sentences = def.formula.split(/[.!?](?:\s+|$)/).filter((s) => s.trim() !== '');
      expect(sentences.length, `${id}: ${def.formula}`).toBeLessThanOrEqual(2);
      expect(def.formula.endsWith('.'), id).toBe(true);
    }
    expect(labels.size).toBe(metricIds.length);
  });

  it('covers the metrics of the exposure issue', () => {
    for (const id of [
      'tradeCount',
      'counterpartyCount',
      'grossNotionalUsd',
      'netNotionalUsd',
      'deltaAdjustedNotionalUsd',
      'mtmValuationUsd',
      'imPostedUsd',
      'vmPostedUsd',
      'imCollectedUsd',
      'vmCollectedUsd',
      'excessCollateralUsd',
      'marginCoverage',
      'effectiveLeverage',
      'shareOfParent',
      'concentrationHhi',
      'crossBorderShare',
      'unconvertedCount',
    ]) {
      expect(isMetricId(id), id).toBe(true);
    }
    expect(isMetricId('notAMetric')).toBe(false);
  });

  it('states the key parts of the formulas', () => {
    expect(metricDefinitions.grossNotionalUsd.formula).toMatch(/UTI/);
    expect(metricDefinitions.grossNotionalUsd.formula).toMatch(/once/);
    expect(metricDefinitions.deltaAdjustedNotionalUsd.formula).toMatch(/Black–Scholes/);
    expect(metricDefinitions.deltaAdjustedNotionalUsd.formula).toMatch(/modelled/);
    expect(metricDefinitions.unconvertedCount.formula).toMatch(/never counted as zero/);
    expect(metricDefinitions.concentrationHhi.formula).toMatch(/10,000/);
    expect(metricDefinitions.marginCoverage.unit).toBe('ratio');
    expect(metricDefinitions.effectiveLeverage.unit).toBe('multiple');
    expect(metricDefinitions.concentrationHhi.unit).toBe('hhi');
    expect(metricDefinitions.effectiveLeverage.higherIsRiskier).toBe(true);
    expect(metricDefinitions.marginCoverage.higherIsRiskier).toBe(false);
  });
});

describe('formatMetric', () => {
  it('shows null and non-finite values as not computable, for every metric', () => {
    expect(NOT_COMPUTABLE).toBe('\u2014');
    for (const id of metricIds) {
      expect(formatMetric(id, null)).toBe('—');
      expect(formatMetric(id, NaN)).toBe('—');
      expect(formatMetric(id, Infinity)).toBe('—');
    }
  });

  it('formats counts with grouping', () => {
    expect(formatMetric('tradeCount', 1234567)).toBe('1,234,567');
    expect(formatMetric('unconvertedCount', 0)).toBe('0');
    expect(formatMetric('counterpartyCount', -42)).toBe(`${MINUS}42`);
    expect(formatMetric('tradeCount', -0)).toBe('0');
  });

  it('formats USD amounts to the dollar with a true minus sign', () => {
    expect(formatMetric('grossNotionalUsd', 1234567.6)).toBe('1,234,568');
    expect(formatMetric('netNotionalUsd', -1234567.49)).toBe(`${MINUS}1,234,567`);
    expect(formatMetric('mtmValuationUsd', -0.3)).toBe('0');
    expect(formatMetric('imPostedUsd', 0)).toBe('0');
  });

  it('formats ratios and shares as percentages with one decimal', () => {
    expect(formatMetric(metricOf('ratio'), 0.1234)).toBe('12.3%');
    expect(formatMetric('marginCoverage', 0.00049)).toBe('0.0%');
    expect(formatMetric('marginCoverage', 1.5)).toBe('150.0%');
    expect(formatMetric('marginCoverage', 12.345)).toBe('1,234.5%');
    expect(formatMetric('marginCoverage', -0.056)).toBe(`${MINUS}5.6%`);
    expect(formatMetric('marginCoverage', -0.0001)).toBe('0.0%');
    expect(formatMetric(metricOf('percent'), 1)).toBe('100.0%');
    expect(formatMetric('shareOfParent', 0)).toBe('0.0%');
    expect(formatMetric('crossBorderShare', 0.3333)).toBe('33.3%');
  });

  it('formats HHI as an integer', () => {
    expect(formatMetric(metricOf('hhi'), 10000)).toBe('10,000');
    expect(formatMetric('concentrationHhi', 1834.6)).toBe('1,835');
    expect(formatMetric('concentrationHhi', 0.2)).toBe('0');
    expect(formatMetric('concentrationHhi', -12.4)).toBe(`${MINUS}12`);
  });

  it('formats leverage as a multiple with one decimal', () => {
    expect(formatMetric(metricOf('multiple'), 12.34)).toBe('12.3×');
    expect(formatMetric('effectiveLeverage', 1)).toBe('1.0×');
    expect(formatMetric('effectiveLeverage', 2500.06)).toBe('2,500.1×');
    expect(formatMetric('effectiveLeverage', -3.25)).toBe(`${MINUS}3.3×`);
  });

  it('formats every metric of every unit without throwing', () => {
    for (const id of metricIds) {
      const text = formatMetric(id, 0.5);
      expect(text, id).not.toBe('—');
      expect(text.length, id).toBeGreaterThan(0);
    }
  });
});
