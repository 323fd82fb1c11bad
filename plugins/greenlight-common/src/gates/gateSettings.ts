import { z } from 'zod';
import { parseDurationSeconds } from './duration';
import { gateComparators, noDataPolicies, type GatePolicy } from './types';
import { gateUnits } from './units';

/**
 * Annotations of an OpenSLO `SLO` document that carry Greenlight's gate settings.
 * Annotations keep the document valid OpenSLO v1 for every other tool.
 *
 * @public
 */
export const GATE_ANNOTATIONS = {
  interval: 'greenlight.dev/interval',
  evaluations: 'greenlight.dev/evaluations',
  failureRule: 'greenlight.dev/failure-rule',
  minTraffic: 'greenlight.dev/min-traffic',
  noData: 'greenlight.dev/no-data',
  maxInconclusive: 'greenlight.dev/max-inconclusive',
  shadow: 'greenlight.dev/shadow',
  windows: 'greenlight.dev/burn-rate-windows',
  minWindow: 'greenlight.dev/min-window',
  trafficQuery: 'greenlight.dev/traffic-query',
  /** The unit of the SLO's threshold objectives, one of `gateUnits`. */
  unit: 'greenlight.dev/unit',
  /** A YAML (or JSON) list of further gates, see docs/gates.md. */
  gates: 'greenlight.dev/gates',
} as const;

/**
 * Gate policy used when neither the caller nor the document says otherwise.
 *
 * @public
 */
export const defaultGatePolicy: GatePolicy = {
  intervalSeconds: 60,
  evaluations: 10,
  failureRule: { kind: 'k-of-n', k: 2, n: 3 },
  minTraffic: 0,
  noData: 'inconclusive',
  maxInconclusive: 2,
  shadow: false,
};

const duration = z.string().transform((text, ctx) => {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration like 30s, 5m or 1h`,
    });
    return z.NEVER;
  }
  return seconds;
});

const booleanText = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform(text => text === 'true'),
]);

/** Reads `consecutive:2`, `2-of-3` or `2 of 3`; anything else is left for the schema to reject. */
function failureRuleFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const consecutive = /^consecutive\s*:\s*(\d+)$/.exec(text);
  if (consecutive)
    return { kind: 'consecutive', count: Number(consecutive[1]) };
  const kOfN = /^(\d+)\s*(?:-of-|\s+of\s+)\s*(\d+)$/.exec(text);
  if (kOfN) return { kind: 'k-of-n', k: Number(kOfN[1]), n: Number(kOfN[2]) };
  return value;
}

/**
 * `consecutive:2` or `2-of-3` (also `2 of 3`), or the object form.
 *
 * @public
 */
export const failureRuleSchema = z.preprocess(
  failureRuleFromText,
  z.discriminatedUnion(
    'kind',
    [
      z.object({
        kind: z.literal('consecutive'),
        count: z.number().int().positive(),
      }),
      z
        .object({
          kind: z.literal('k-of-n'),
          k: z.number().int().positive(),
          n: z.number().int().positive(),
        })
        .refine(rule => rule.k <= rule.n, 'k must not exceed n'),
    ],
    { error: 'expected a failure rule like consecutive:2 or 2-of-3' },
  ),
);

/**
 * One burn-rate window pair with either a factor or a share of the SLO period's budget.
 *
 * @public
 */
export type WindowSetting = {
  longSeconds: number;
  shortSeconds: number;
} & ({ factor: number } | { budgetFraction: number });

/** Reads `1h/5m/14.4` (a factor) or `1h/5m/2%` (a budget share). */
function windowFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^\s*(\w+)\s*\/\s*(\w+)\s*\/\s*([\d.]+)(%?)\s*$/.exec(value);
  if (!match) return value;
  const [, long, short, amount, percent] = match;
  return percent
    ? { long, short, budget: Number(amount) / 100 }
    : { long, short, factor: Number(amount) };
}

const windowSchema = z.preprocess(
  windowFromText,
  z
    .object(
      {
        long: duration,
        short: duration,
        factor: z.number().positive().optional(),
        budget: z.number().positive().max(1).optional(),
      },
      { error: 'expected a window pair like 1h/5m/14.4 or 1h/5m/2%' },
    )
    .refine(w => (w.factor === undefined) !== (w.budget === undefined), {
      message: 'give either factor or budget',
    })
    .transform(
      (w): WindowSetting =>
        w.factor !== undefined
          ? { longSeconds: w.long, shortSeconds: w.short, factor: w.factor }
          : {
              longSeconds: w.long,
              shortSeconds: w.short,
              budgetFraction: w.budget!,
            },
    ),
);

/** A list of window pairs, or their comma-separated text form. */
const windowsSchema = z.preprocess(
  value =>
    typeof value === 'string'
      ? value.split(',').filter(part => part.trim())
      : value,
  z.array(windowSchema).min(1),
);

/**
 * One of `gateUnits`; the message lists them, and the parser's messages name the field.
 *
 * @public
 */
export const gateUnitSchema = z.enum(gateUnits, {
  error: `must be one of ${gateUnits.join(', ')}`,
});

/** Burn rates are multiples of the error budget's rate whatever the SLI measures. */
const noUnit = z.undefined({
  error:
    'a burn-rate gate has no unit: its value is a multiple of the error budget rate',
});

/**
 * Settings shared by the SLO annotations and the entries of the gate list.
 *
 * @public
 */
export const gateSettingsSchema = z.object({
  interval: duration.optional(),
  evaluations: z.coerce.number().int().positive().optional(),
  failureRule: failureRuleSchema.optional(),
  minTraffic: z.coerce.number().nonnegative().optional(),
  noData: z.enum(noDataPolicies).optional(),
  maxInconclusive: z.coerce.number().int().nonnegative().optional(),
  shadow: booleanText.optional(),
  windows: windowsSchema.optional(),
  minWindow: duration.optional(),
  trafficQuery: z.string().min(1).optional(),
  unit: gateUnitSchema.optional(),
});

/** @public */
export type GateSettings = z.infer<typeof gateSettingsSchema>;

const gateName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be lowercase letters, digits and dashes',
  );
const query = z.string().min(1);

/**
 * An entry of the `greenlight.dev/gates` list.
 *
 * @public
 */
export const gateEntrySchema = z.discriminatedUnion('kind', [
  gateSettingsSchema.extend({
    kind: z.literal('threshold'),
    name: gateName,
    description: z.string().optional(),
    provider: z.string().min(1).optional(),
    query,
    comparator: z.enum(gateComparators),
    threshold: z.number(),
    window: duration.optional(),
  }),
  gateSettingsSchema.extend({
    kind: z.literal('burn-rate'),
    name: gateName,
    description: z.string().optional(),
    provider: z.string().min(1).optional(),
    good: query.optional(),
    bad: query.optional(),
    total: query,
    objective: z.number().gt(0).lt(1),
    /** The SLO period that budget shares of window pairs refer to. */
    period: duration.optional(),
    unit: noUnit.optional(),
  }),
  gateSettingsSchema.extend({
    kind: z.literal('canary-vs-baseline'),
    name: gateName,
    description: z.string().optional(),
    provider: z.string().min(1).optional(),
    canary: query,
    baseline: query,
    direction: z
      .enum(['lower-is-better', 'higher-is-better'])
      .default('lower-is-better'),
    alpha: z.number().gt(0).max(0.5).default(0.05),
    minSampleSize: z.number().int().min(2).default(8),
    allowedEffect: z.number().nonnegative().default(0),
    window: duration.optional(),
  }),
]);

/** @public */
export type GateEntry = z.infer<typeof gateEntrySchema>;

/**
 * Picks the gate settings out of an SLO's annotations, by their `GATE_ANNOTATIONS` names.
 *
 * @public
 */
export function settingsFromAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [setting, key] of Object.entries(GATE_ANNOTATIONS)) {
    const value = annotations?.[key];
    if (setting !== 'gates' && value !== undefined) settings[setting] = value;
  }
  return settings;
}

/**
 * The policy fields a settings object overrides.
 *
 * @public
 */
export function policyOverrides(settings: GateSettings): Partial<GatePolicy> {
  return {
    intervalSeconds: settings.interval,
    evaluations: settings.evaluations,
    failureRule: settings.failureRule,
    minTraffic: settings.minTraffic,
    noData: settings.noData,
    maxInconclusive: settings.maxInconclusive,
    shadow: settings.shadow,
  };
}

/**
 * Applies partial policies over a base, later ones winning; undefined fields are skipped.
 *
 * @public
 */
export function mergePolicy(
  base: GatePolicy,
  ...layers: Array<Partial<GatePolicy> | undefined>
): GatePolicy {
  const policy: Record<string, unknown> = { ...base };
  for (const layer of layers) {
    for (const [field, value] of Object.entries(layer ?? {})) {
      if (value !== undefined) policy[field] = value;
    }
  }
  return policy as unknown as GatePolicy;
}
