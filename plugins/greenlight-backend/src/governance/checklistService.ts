import { Entity } from '@backstage/catalog-model';
import {
  ChecklistCheck,
  ChecklistResponse,
  canonicalRefOf,
} from '@greenlight/backstage-plugin-greenlight-common';
import { EnvironmentConfig } from '../config';
import { ownerOf } from './catalogScope';
import { sloDocumentOf } from './changeRules';
import { LedgerFacts } from './ledgerFacts';
import { ProvenanceVerdicts } from './provenanceVerdicts';

const DAY = 24 * 60 * 60 * 1000;
export const TESTS_WINDOW_DAYS = 90;
export const REVIEW_WINDOW_DAYS = 30;
/** Only an explicit sign-off counts: opening or exporting the figures is not a review. */
export const DORA_REVIEW_ACTIONS = ['dora.review.signed'];

export const CHECK_TITLES: Record<ChecklistCheck['id'], string> = {
  'mandatory-tests': 'Every production deployment had passing tests',
  'signed-traceable': 'Production runs a signed artifact that traces to a commit',
  'progressive-rollback': 'Progressive delivery with gates and automated rollback',
  'dora-reviewed': 'The owning team reviewed its DORA metrics',
};

const PROGRESSIVE = ['canary', 'blue-green'];

const check = (id: ChecklistCheck['id'], pass: boolean, reason: string): ChecklistCheck => ({
  id,
  title: CHECK_TITLES[id],
  status: pass ? 'pass' : 'fail',
  reason,
});

const list = (items: string[], max = 3) =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

/** The production-grade checklist, computed from the ledger for one entity. */
export class ChecklistService {
  constructor(
    private readonly deps: {
      ledger: LedgerFacts;
      provenance: ProvenanceVerdicts;
      environments: EnvironmentConfig[];
      rollbackMechanisms: () => string[];
      now?: () => number;
    },
  ) {}

  private get productionEnvironments() {
    return this.deps.environments.filter(e => e.tier === 'production').map(e => e.name);
  }

  async checklist(entity: Entity): Promise<ChecklistResponse> {
    const entityRef = canonicalRefOf(entity);
    const now = (this.deps.now ?? Date.now)();
    return {
      entityRef,
      checks: [
        await this.mandatoryTests(entityRef, now),
        await this.signedTraceable(entityRef),
        await this.progressiveRollback(entity, entityRef, now),
        await this.doraReviewed(entity, now),
      ],
    };
  }

  /** Passes vacuously without production deployments: there is nothing untested to point at. */
  private async mandatoryTests(entityRef: string, now: number) {
    const envs = this.productionEnvironments;
    const from = now - TESTS_WINDOW_DAYS * DAY;
    const all = (await this.deps.ledger.deployments(entityRef, envs, from, now + 1)).filter(
      d => d.status !== 'cancelled',
    );
    if (all.length === 0) {
      return check('mandatory-tests', true, `no production deployments in the last ${TESTS_WINDOW_DAYS} days`);
    }
    const untested = await this.deps.ledger.untestedDeployments(entityRef, envs, from, now + 1);
    return untested.length === 0
      ? check(
          'mandatory-tests',
          true,
          `all ${all.length} production deployment(s) in the last ${TESTS_WINDOW_DAYS} days had passing tests before they started`,
        )
      : check(
          'mandatory-tests',
          false,
          `${untested.length} of ${all.length} production deployment(s) in the last ${TESTS_WINDOW_DAYS} days had no passing test run before them: ${list(untested.map(d => d.id))}`,
        );
  }

  private async signedTraceable(entityRef: string) {
    const current = await this.deps.ledger.current(entityRef, this.productionEnvironments);
    if (current.length === 0) return check('signed-traceable', false, 'nothing runs in production yet');
    const problems: string[] = [];
    for (const d of current) {
      if (!d.artifactDigest) {
        problems.push(`${d.id} in ${d.environment} names no artifact digest`);
        continue;
      }
      const provenance = await this.deps.provenance.of(d.artifactDigest);
      if (provenance.status !== 'verified') {
        problems.push(
          `${d.artifactDigest} in ${d.environment} is ${provenance.status === 'unknown' ? 'not verified' : provenance.status}${provenance.reason ? ` (${provenance.reason})` : ''}`,
        );
        continue;
      }
      if (!d.commitSha && !d.artifactCommitSha && !provenance.sourceCommit) {
        problems.push(`${d.artifactDigest} in ${d.environment} traces to no commit`);
      }
    }
    return problems.length === 0
      ? check(
          'signed-traceable',
          true,
          `${list(current.map(d => `${d.artifactDigest} (${d.environment})`))} verified and traced to a commit`,
        )
      : check('signed-traceable', false, problems.join('; '));
  }

  /** Rollbacks and reverts are left out: they are how a release is undone, not how it ships. */
  private async progressiveRollback(entity: Entity, entityRef: string, now: number) {
    const deployments = (
      await this.deps.ledger.deployments(entityRef, this.productionEnvironments, now - TESTS_WINDOW_DAYS * DAY, now + 1)
    ).filter(d => d.status !== 'cancelled' && d.intent !== 'rollback' && d.intent !== 'revert');
    const problems: string[] = [];
    if (deployments.length === 0) {
      problems.push(`no production deployment in the last ${TESTS_WINDOW_DAYS} days shows a progressive strategy`);
    }
    const direct = deployments.filter(d => !PROGRESSIVE.includes(d.strategy));
    if (direct.length > 0) {
      problems.push(
        `${direct.length} of ${deployments.length} production deployment(s) were not canary or blue-green: ${list(direct.map(d => `${d.id} (${d.strategy})`))}`,
      );
    }
    const slo = sloDocumentOf(entity);
    if (!slo) problems.push('no SLO gates (greenlight.dev/slo annotation)');
    const mechanisms = this.deps.rollbackMechanisms();
    if (mechanisms.length === 0) problems.push('no automated rollback (no rollback executor: install the webhook or Argo Rollouts executor module and configure it, or a module of your own)');
    return problems.length === 0
      ? check(
          'progressive-rollback',
          true,
          `${deployments.length} production deployment(s) were canary or blue-green, gated by ${slo}, rolled back by ${mechanisms.join(', ')}`,
        )
      : check('progressive-rollback', false, problems.join('; '));
  }

  private async doraReviewed(entity: Entity, now: number) {
    const owner = ownerOf(entity);
    if (!owner || !owner.startsWith('group:')) {
      return check('dora-reviewed', false, owner ? `owned by ${owner}, not a team` : 'the entity has no owner');
    }
    const review = await this.deps.ledger.latestAudit(
      DORA_REVIEW_ACTIONS,
      'group',
      [owner],
      now - REVIEW_WINDOW_DAYS * DAY,
    );
    return review
      ? check(
          'dora-reviewed',
          true,
          `${owner} review signed off by ${review.actor} on ${new Date(review.at).toISOString().slice(0, 10)}`,
        )
      : check('dora-reviewed', false, `${owner} has not signed off its DORA review in the last ${REVIEW_WINDOW_DAYS} days`);
  }
}
