/**
 * Units a gate author may give a threshold or canary-vs-baseline gate, so that its evidence
 * reads "8.3% is above the 2% limit" rather than a bare "0.0828". `ratio` is a
 * fraction (0.02 is 2%), `percent` is already 0..100.
 *
 * @public
 */
export const gateUnits = [
  'ratio',
  'percent',
  'seconds',
  'milliseconds',
  'requestsPerSecond',
  'count',
] as const;

/**
 * One of {@link gateUnits}.
 *
 * @public
 */
export type GateUnit = (typeof gateUnits)[number];

/**
 * The unit an evaluation's value is shown in: a gate unit, or `burnRate` for burn-rate gates,
 * whose value is a multiple of the rate that spends the error budget over the SLO period.
 *
 * @public
 */
export type EvidenceUnit = GateUnit | 'burnRate';

/**
 * Whether an untyped value (a stored row, an answer of a newer backend) is a unit we can show.
 *
 * @public
 */
export function isEvidenceUnit(value: unknown): value is EvidenceUnit {
  return (
    value === 'burnRate' || (gateUnits as readonly unknown[]).includes(value)
  );
}

/**
 * The unit a query's name gives away, by the Prometheus convention of base units in metric
 * names: a `histogram_quantile` over `…_seconds_bucket` answers seconds. Anything less certain
 * is left without a unit, which still reads, only without one.
 *
 * @public
 */
export function inferGateUnit(query: string): GateUnit | undefined {
  if (!/histogram_quantile\s*\(/.test(query)) return undefined;
  if (/_seconds_bucket\b/.test(query)) return 'seconds';
  if (/_milliseconds_bucket\b/.test(query)) return 'milliseconds';
  return undefined;
}
