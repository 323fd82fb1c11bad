import {
  GreenlightEvent,
  greenlightEventSchema,
} from '@greenlight/backstage-plugin-greenlight-common';
import {
  FixtureVersion,
  loadFixture,
  OCI_ARTIFACT_ID,
  OCI_DIGEST,
} from './__testUtils__/fixtures';
import { changeCommitKey } from './changes';
import { CdeventsResult, parseCdeventsRequest } from './request';
import { CDEVENTS_SIGNATURE_MEDIA_TYPE, DSSE_MEDIA_TYPE } from './signature';

const EVENT_ID = '271069a8-fc18-44f1-b38f-9d70a1695819';
/** CloudEvents identity is (source, id): the ledger id names both. */
const LEDGER_ID = `${EVENT_ID}@/event/source/123`;
const TIME = '2023-03-20T14:27:05.315384Z';

function translate(body: unknown): CdeventsResult {
  const results = parseCdeventsRequest({ headers: {}, body });
  expect(results).toHaveLength(1);
  return results[0];
}

/** The native events of a mapped result, each checked against the native schema. */
function mapped(body: unknown): GreenlightEvent[] {
  const result = translate(body);
  if (result.outcome !== 'mapped') {
    throw new Error(`expected mapped, got ${JSON.stringify(result)}`);
  }
  for (const event of result.events) {
    expect(greenlightEventSchema.parse(event)).toEqual(event);
  }
  return result.events;
}

const fixture = (name: string, version: FixtureVersion = 'v0.5.1') =>
  loadFixture(version, name);

describe('service events', () => {
  it('maps service.deployed to a succeeded deployment', () => {
    expect(mapped(fixture('service_deployed'))).toEqual([
      {
        id: LEDGER_ID,
        type: 'deployment.finished',
        time: TIME,
        serviceId: 'mySubject123',
        artifactPurl: 'pkg:oci/myapp',
        deployment: {
          id: LEDGER_ID,
          environment: 'test123',
          artifactDigest: OCI_DIGEST,
          strategy: 'all-at-once',
          status: 'succeeded',
          finishedAt: TIME,
          sourceSystem: '/event/source/123',
          intent: 'planned',
        },
      },
    ]);
  });

  it('maps service.rolledback to a succeeded deployment with intent rollback', () => {
    const [event] = mapped(fixture('service_rolledback', 'v0.4.1'));
    expect(event).toMatchObject({
      type: 'deployment.finished',
      deployment: {
        status: 'succeeded',
        intent: 'rollback',
        environment: 'test123',
      },
    });
  });

  it('takes entity, strategy and commit from customData on service.upgraded', () => {
    const event = fixture('service_upgraded');
    event.customData = {
      entityRef: 'component:default/payments',
      strategy: 'canary',
      commitSha: 'ABCDEF1234567',
      unrelated: { nested: true },
    };
    const [native] = mapped(event);
    expect(native).toMatchObject({
      entityRef: 'component:default/payments',
      deployment: { strategy: 'canary', commitSha: 'abcdef1234567' },
    });
  });

  it('skips customData values of the wrong shape instead of rejecting the event', () => {
    const event = fixture('service_deployed');
    event.customData = { strategy: 'big-bang', entityRef: 42 };
    const [native] = mapped(event);
    expect(native.entityRef).toBeUndefined();
    expect(native).toMatchObject({ deployment: { strategy: 'all-at-once' } });
  });

  it('keeps a version that is not a digest as the deployment version', () => {
    const event = fixture('service_deployed');
    event.subject.content.artifactId = 'pkg:oci/acme/payments@1.4.2';
    const [native] = mapped(event);
    expect(native).toMatchObject({
      artifactPurl: 'pkg:oci/acme/payments',
      deployment: { version: '1.4.2' },
    });
    expect(
      native.type === 'deployment.finished' && native.deployment.artifactDigest,
    ).toBe(undefined);
  });

  it('reads the version from the tag qualifier of a digest-pinned image', () => {
    const event = fixture('service_deployed');
    event.subject.content.artifactId = `${OCI_ARTIFACT_ID}?repository_url=ghcr.io/acme&tag=v2.0.1`;
    const [native] = mapped(event);
    expect(native).toMatchObject({
      artifactPurl: 'pkg:oci/myapp',
      deployment: { artifactDigest: OCI_DIGEST, version: 'v2.0.1' },
    });
  });

  it('reports a deployment without environment as invalid at its path', () => {
    const event = fixture('service_deployed');
    delete event.subject.content.environment;
    expect(translate(event)).toMatchObject({
      outcome: 'invalid',
      path: 'subject.content.environment',
      eventId: EVENT_ID,
    });
  });

  it('ignores service.removed', () => {
    expect(translate(fixture('service_removed'))).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('decommissioning'),
    });
  });
});

describe('artifact events', () => {
  it('maps artifact.packaged with a digest, repository and change SHA', () => {
    const event = fixture('artifact_packaged');
    event.subject.id = OCI_ARTIFACT_ID;
    event.subject.content.change = {
      id: '0123456789abcdef0123456789abcdef01234567',
      source: 'https://github.com/acme/payments.git',
    };
    expect(mapped(event)).toEqual([
      {
        id: LEDGER_ID,
        type: 'artifact',
        time: TIME,
        artifactPurl: 'pkg:oci/myapp',
        repository: 'github.com/acme/payments',
        artifact: {
          digest: OCI_DIGEST,
          name: 'myapp',
          purl: OCI_ARTIFACT_ID,
          commitSha: '0123456789abcdef0123456789abcdef01234567',
          repository: 'github.com/acme/payments',
          createdAt: TIME,
        },
      },
    ]);
  });

  it('takes the commit key of a change that is not a SHA as the commit', () => {
    const event = fixture('artifact_packaged', 'v0.4.1');
    event.subject.id = OCI_ARTIFACT_ID;
    const [native] = mapped(event);
    expect(native).toMatchObject({
      repository: 'my-git.example/an-org/a-repo',
      artifact: {
        repository: 'my-git.example/an-org/a-repo',
        commitSha: changeCommitKey({
          id: 'myChange123',
          source: 'my-git.example/an-org/a-repo',
        }),
      },
    });
  });

  it('links a change to the artifact built from it by (id, source)', () => {
    const merged = fixture('change_merged');
    merged.subject = {
      id: '42',
      source: 'https://github.com',
      content: {
        repository: { id: 'acme/payments', source: 'https://github.com' },
      },
    };
    const packaged = fixture('artifact_packaged');
    packaged.subject.id = OCI_ARTIFACT_ID;
    packaged.subject.content.change = {
      id: '42',
      source: 'https://github.com',
    };
    const [change] = mapped(merged);
    const [artifact] = mapped(packaged);
    const key = changeCommitKey({ id: '42', source: 'https://github.com' });
    expect(change.type === 'commits' && change.commits.map(c => c.sha)).toEqual(
      [key],
    );
    expect(artifact.type === 'artifact' && artifact.artifact.commitSha).toBe(
      key,
    );
    // Another source's change 42 is another change.
    packaged.subject.content.change.source = 'https://gitlab.com';
    const [other] = mapped(packaged);
    expect(other.type === 'artifact' && other.artifact.commitSha).not.toBe(key);
  });

  it('maps artifact.published', () => {
    const event = fixture('artifact_published');
    event.subject.id = OCI_ARTIFACT_ID;
    const [native] = mapped(event);
    expect(native).toMatchObject({
      type: 'artifact',
      artifact: { digest: OCI_DIGEST },
    });
  });

  it('ignores artifacts that are not pinned to a digest', () => {
    expect(translate(fixture('artifact_published'))).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('pkg:golang/mygit.com/myorg/myapp'),
    });
  });

  it('keeps a bare signature as an attestation', () => {
    const event = fixture('artifact_signed');
    event.subject.id = OCI_ARTIFACT_ID;
    const [native] = mapped(event);
    expect(native.type === 'artifact' && native.attestations).toEqual([
      {
        mediaType: CDEVENTS_SIGNATURE_MEDIA_TYPE,
        content: {
          signature: event.subject.content.signature,
          artifactId: OCI_ARTIFACT_ID,
        },
      },
    ]);
  });

  it('passes a DSSE envelope in the signature on as DSSE', () => {
    const envelope = {
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from('{}').toString('base64'),
      signatures: [{ keyid: 'k1', sig: 'c2ln' }],
    };
    const event = fixture('artifact_signed', 'v0.4.1');
    event.subject.id = OCI_ARTIFACT_ID;
    event.subject.content.signature = JSON.stringify(envelope);
    const [native] = mapped(event);
    expect(native.type === 'artifact' && native.attestations).toEqual([
      { mediaType: DSSE_MEDIA_TYPE, content: envelope },
    ]);
  });

  it('passes a base64 Sigstore bundle in the signature on with its media type', () => {
    const bundle = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {},
      dsseEnvelope: {},
    };
    const event = fixture('artifact_signed');
    event.subject.id = OCI_ARTIFACT_ID;
    event.subject.content.signature = Buffer.from(
      JSON.stringify(bundle),
    ).toString('base64');
    const [native] = mapped(event);
    expect(native.type === 'artifact' && native.attestations).toEqual([
      { mediaType: bundle.mediaType, content: bundle },
    ]);
  });

  it('reports a signed event without signature as invalid', () => {
    const event = fixture('artifact_signed');
    event.subject.content = {};
    expect(translate(event)).toMatchObject({
      outcome: 'invalid',
      path: 'subject.content.signature',
    });
  });
});

describe('build and pipeline run events', () => {
  it('maps build.finished to a build and the artifact it produced', () => {
    expect(mapped(fixture('build_finished'))).toEqual([
      {
        id: LEDGER_ID,
        type: 'build',
        time: TIME,
        build: {
          id: 'mySubject123',
          builder: '/event/source/123',
          status: 'succeeded',
          finishedAt: TIME,
        },
      },
      {
        id: `${LEDGER_ID}:1`,
        type: 'artifact',
        time: TIME,
        artifactPurl: 'pkg:oci/myapp',
        artifact: {
          digest: OCI_DIGEST,
          name: 'myapp',
          purl: OCI_ARTIFACT_ID,
          buildId: 'mySubject123',
        },
      },
    ]);
  });

  it('ignores build.finished when nothing tells whether it succeeded', () => {
    const event = fixture('build_finished');
    event.subject.content = {};
    expect(translate(event)).toMatchObject({ outcome: 'ignored' });
  });

  it('takes a failed build outcome from customData', () => {
    const event = fixture('build_finished');
    event.subject.content = {};
    event.customData = {
      outcome: 'failure',
      entityRef: 'component:default/payments',
    };
    expect(mapped(event)).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/payments',
        build: expect.objectContaining({ status: 'failed' }),
      }),
    ]);
  });

  it.each(['v0.4.1', 'v0.5.1'] as const)(
    'maps %s pipelinerun.finished to a build with its url and pipeline',
    version => {
      const event = fixture('pipelinerun_finished', version);
      event.subject.content.outcome = 'success';
      expect(mapped(event)).toEqual([
        {
          id: LEDGER_ID,
          type: 'build',
          time: TIME,
          build: {
            id: 'mySubject123',
            url: 'https://www.example.com/mySubject123',
            builder: '/event/source/123',
            buildType: 'myPipeline',
            status: 'succeeded',
            finishedAt: TIME,
          },
        },
      ]);
    },
  );

  it('ignores cancelled pipeline runs', () => {
    const event = fixture('pipelinerun_finished');
    event.subject.content.outcome = 'cancel';
    expect(translate(event)).toMatchObject({ outcome: 'ignored' });
  });

  it('drops a relative pipeline run url that the native schema would reject', () => {
    const event = fixture('pipelinerun_finished', 'v0.4.1');
    event.subject.content.url = '/apis/tekton.dev/v1/pipelineruns/run-1';
    const [native] = mapped(event);
    expect(native.type === 'build' && native.build.url).toBeUndefined();
  });
});

describe('change.merged', () => {
  it('maps a merged change with a commit SHA to commits', () => {
    const event = fixture('change_merged');
    event.subject.id = '42';
    event.subject.content.repository = {
      id: 'acme/payments',
      source: 'https://github.com',
    };
    event.customData = {
      commitSha: 'abcdef0123456789abcdef0123456789abcdef01',
    };
    expect(mapped(event)).toEqual([
      {
        id: LEDGER_ID,
        type: 'commits',
        time: TIME,
        repository: 'github.com/acme/payments',
        commits: [
          {
            sha: 'abcdef0123456789abcdef0123456789abcdef01',
            repository: 'github.com/acme/payments',
            committedAt: TIME,
            mergedAt: TIME,
            prNumber: 42,
          },
          {
            // The change itself, for artifacts that name it.
            sha: changeCommitKey({ id: '42', source: '/event/source/123' }),
            repository: 'github.com/acme/payments',
            committedAt: TIME,
            mergedAt: TIME,
            prNumber: 42,
          },
        ],
      },
    ]);
  });

  it('ignores a merged change without a resolvable repository', () => {
    const event = fixture('change_merged', 'v0.4.1');
    event.customData = { commitSha: 'abcdef0' };
    event.subject.content.repository = { id: 'TestRepo' };
    expect(translate(event)).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('repository'),
    });
  });
});

describe('incident events', () => {
  it('maps incident.reported to an opened incident', () => {
    const event = fixture('incident_reported');
    event.customData.entityRef = 'component:default/my-app';
    expect(mapped(event)).toEqual([
      {
        id: 'F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708@/monitoring/prod1',
        type: 'incident.opened',
        time: '2022-11-11T13:52:20.079Z',
        entityRef: 'component:default/my-app',
        serviceId: 'myApp',
        artifactPurl: 'pkg:oci/myapp',
        incident: {
          id: 'incident-123',
          entityRefs: ['component:default/my-app'],
          severity: 'medium',
          title: 'Response time above threshold of 100ms',
          detectedAt: '2022-11-11T13:52:20.079Z',
          evidence: `reported in environment prod1, running artifact ${OCI_ARTIFACT_ID}`,
          environment: 'prod1',
          artifactDigest: OCI_DIGEST,
        },
      },
    ]);
  });

  it('maps incident.resolved without overwriting the title', () => {
    const [native] = mapped(fixture('incident_resolved', 'v0.4.1'));
    expect(native).toEqual({
      id: 'F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708@/monitoring/prod1',
      type: 'incident.resolved',
      time: '2022-11-11T13:52:20.079Z',
      serviceId: 'myApp',
      artifactPurl: 'pkg:oci/myapp',
      incident: { id: 'incident-123', resolvedAt: '2022-11-11T13:52:20.079Z' },
    });
  });
});

describe('testsuiterun.finished', () => {
  it.each([
    ['v0.4.1', 'pass', 'passed'],
    ['v0.4.1', 'fail', 'failed'],
    ['v0.4.1', 'error', 'error'],
    ['v0.4.1', 'cancel', 'skipped'],
    ['v0.5.1', 'success', 'passed'],
    ['v0.5.1', 'failure', 'failed'],
    ['v0.5.1', 'error', 'error'],
    ['v0.5.1', 'cancel', 'skipped'],
    // Producers mixing the two vocabularies are accepted.
    ['v0.5.1', 'pass', 'passed'],
  ] as const)('maps a %s outcome %s to %s', (version, outcome, expected) => {
    const event = fixture('testsuiterun_finished', version);
    event.subject.content.outcome = outcome;
    expect(mapped(event)).toEqual([
      {
        id: LEDGER_ID,
        type: 'test.run',
        time: TIME,
        testRun: {
          id: 'myTestSuiteRun123',
          suite: 'Auth TestSuite',
          outcome: expected,
          environment: 'dev',
          finishedAt: TIME,
        },
      },
    ]);
  });

  it('reports an unknown outcome as invalid', () => {
    const event = fixture('testsuiterun_finished');
    event.subject.content.outcome = 'flaky';
    expect(translate(event)).toMatchObject({
      outcome: 'invalid',
      path: 'subject.content.outcome',
    });
  });
});
