import { Knex } from 'knex';
import {
  BUILDER_ID,
  generateTestKey,
  slsaV1Statement,
} from './__testUtils__/fixtures';
import {
  artifactEvent,
  dsse,
  startProvenanceBackend,
  trustedKeyConfig,
} from './__testUtils__/provenanceBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const retired = generateTestKey('release-2025', 'ecdsa-p256-sha256');
const successor = generateTestKey('release-2026', 'ecdsa-p256-sha256');
const ci = generateTestKey('ci', 'ed25519');
const OTHER_BUILDER = 'https://ci.acme.example/release';

const SIGNED_BY_RETIRED = 'a'.repeat(64);
const OTHER_BUILDER_HEX = 'b'.repeat(64);
const digest = (hex: string) => `sha256:${hex}`;

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'changing the trust policy on %p',
  databaseId => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
    });

    async function summaryOf(
      backend: Awaited<ReturnType<typeof startProvenanceBackend>>,
      hex: string,
    ) {
      const res = await backend.get(`/v1/artifacts/${digest(hex)}`);
      expect(res.status).toBe(200);
      return {
        summary: res.body.summary,
        verdict: res.body.attestations[0].verdicts[0],
      };
    }

    it('flips verdicts when a key is revoked or a builder allowed, after re-verification', async () => {
      // 2025: the retired key is trusted; the CI key may not vouch for OTHER_BUILDER yet.
      const first = await startProvenanceBackend({
        knex,
        provenance: {
          trustedKeys: [trustedKeyConfig(retired), trustedKeyConfig(ci, 1)],
        },
      });
      await first.post([
        artifactEvent('signed-by-retired', digest(SIGNED_BY_RETIRED), {
          attestations: [
            dsse(slsaV1Statement({ digestHex: SIGNED_BY_RETIRED }), [retired]),
          ],
        }),
        artifactEvent('other-builder', digest(OTHER_BUILDER_HEX), {
          attestations: [
            dsse(
              slsaV1Statement({
                digestHex: OTHER_BUILDER_HEX,
                builderId: OTHER_BUILDER,
              }),
              [ci],
            ),
          ],
        }),
      ]);
      expect((await summaryOf(first, SIGNED_BY_RETIRED)).summary.status).toBe(
        'verified',
      );
      expect((await summaryOf(first, OTHER_BUILDER_HEX)).summary).toMatchObject(
        {
          status: 'invalid',
          reason: `builder id ${OTHER_BUILDER} not allowed for key ci`,
        },
      );
      await first.stop();

      const rotated = {
        trustedKeys: [
          trustedKeyConfig(successor),
          trustedKeyConfig(ci, 1, [BUILDER_ID, OTHER_BUILDER]),
        ],
      };

      // Restarted with the new policy, before the task has run: the old verdicts are marked
      // stale, and the one signed with the key the policy no longer lists stops counting at
      // once (a revoked key's signatures must not wait for re-verification).
      const restarted = await startProvenanceBackend({
        knex,
        provenance: rotated,
      });
      const stale = await summaryOf(restarted, SIGNED_BY_RETIRED);
      expect(stale.summary).toMatchObject({
        status: 'unverifiable',
        reason:
          'signed with release-2025, which the trust policy no longer lists',
      });
      expect(stale.verdict.current).toBe(false);
      await restarted.stop();

      // The scheduled re-verification runs: stale verdicts are judged again under the new policy.
      const reverified = await startProvenanceBackend({
        knex,
        provenance: rotated,
        scheduler: { includeInitialDelayedTasksOnStartup: true },
      });
      const revoked = await summaryOf(reverified, SIGNED_BY_RETIRED);
      expect(revoked.summary).toMatchObject({
        status: 'unverifiable',
        reason: 'unknown key id release-2025',
      });
      expect(revoked.verdict.current).toBe(true);
      expect(
        (await summaryOf(reverified, OTHER_BUILDER_HEX)).summary,
      ).toMatchObject({
        status: 'verified',
        builderId: OTHER_BUILDER,
        slsaLevel: 1,
      });
      await reverified.stop();

      const audit = await knex('audit_log')
        .where({ action: 'provenance.verdict-changed' })
        .orderBy('subject_id');
      expect(
        audit.map(a => [
          a.subject_id,
          JSON.parse(a.details).from,
          JSON.parse(a.details).to,
        ]),
      ).toEqual([
        [digest(SIGNED_BY_RETIRED), 'verified', 'unverifiable'],
        [digest(OTHER_BUILDER_HEX), 'invalid', 'verified'],
      ]);
    });

    it('refuses to start with an invalid trust policy, naming the problem', async () => {
      await expect(
        startProvenanceBackend({
          knex,
          provenance: {
            trustedKeys: [{ ...trustedKeyConfig(successor), slsaLevel: 7 }],
          },
        }),
      ).rejects.toThrow(/greenlight\.provenance.*slsaLevel 7/);
    });
  },
);
