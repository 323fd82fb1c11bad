import { ChangeClass } from './classes';
import { Classification } from './classify';
import {
  ControlMatrix,
  ControlResult,
  evaluateControl,
  evaluateMandatoryTests,
  ReadinessFacts,
} from './controls';

/** @public */
export type ClassAssessment = {
  class: ChangeClass;
  /** The paths, labels and commit titles that put the change in this class. */
  matchedBy: { paths: string[]; labels: string[]; commits: string[]; assumed?: string };
  controls: ControlResult[];
};

/** A policy check; only an enforced one can block. @public */
export type PolicyResult = ControlResult & { enforced: boolean };

/** @public */
export type ReadinessAssessment = {
  decision: 'allow' | 'block';
  classes: ClassAssessment[];
  policy: PolicyResult[];
  missingControls: string[];
};

/**
 * Checks every control each class of the change needs, plus the mandatory-tests policy when
 * it applies; any unsatisfied control (or enforced policy) blocks.
 *
 * @public
 */
export function assessReadiness(options: {
  classification: Classification;
  matrix: ControlMatrix;
  facts: ReadinessFacts;
  /** `enforced` blocks, `advisory` reports only, `not-applicable` (not production) skips. */
  mandatoryTests: 'enforced' | 'advisory' | 'not-applicable';
}): ReadinessAssessment {
  const { classification, matrix, facts } = options;
  const classes: ClassAssessment[] = classification.matches.map(m => ({
    class: m.class,
    matchedBy: {
      paths: m.paths,
      labels: m.labels,
      commits: m.commits,
      ...(m.assumed ? { assumed: m.assumed } : {}),
    },
    controls: matrix[m.class].map(id => evaluateControl(id, facts)),
  }));
  const policy: PolicyResult[] =
    options.mandatoryTests === 'not-applicable'
      ? []
      : [{ ...evaluateMandatoryTests(facts), enforced: options.mandatoryTests === 'enforced' }];

  const missing = new Set<string>();
  for (const c of classes) for (const control of c.controls) if (!control.satisfied) missing.add(control.id);
  for (const p of policy) if (p.enforced && !p.satisfied) missing.add(p.id);
  const missingControls = [...missing];
  return {
    decision: missingControls.length > 0 ? 'block' : 'allow',
    classes,
    policy,
    missingControls,
  };
}
