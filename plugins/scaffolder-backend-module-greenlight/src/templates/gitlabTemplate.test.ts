import { parseOpenSloDocuments } from '@greenlight/backstage-plugin-greenlight-common';
import { parse, parseAllDocuments } from 'yaml';
import { dryRunLog, generatedFiles, startScaffolder } from '../__testUtils__/dryRun';

jest.setTimeout(120_000);

const values = {
  name: 'ledger',
  description: 'Keeps the books',
  owner: 'group:default/payments-team',
  environments: [
    { name: 'qa', tier: 'development' },
    { name: 'preprod', tier: 'staging' },
    { name: 'prod', tier: 'production' },
  ],
  strategy: 'canary',
  canarySteps: [5, 25, 50],
  availability: 99.5,
  latencyP99Ms: 500,
  repoUrl: 'gitlab.com?owner=acme&repo=ledger',
  publish: false,
};

const IMAGE_BY_DIGEST = /@sha256:[0-9a-f]{64}$/;

describe('the GitLab CI template, through the scaffolder dry-run', () => {
  it('generates a pipeline whose deploy jobs need the tests and use only pinned images', async () => {
    const dryRun = await startScaffolder();
    const response = await dryRun('gitlab-governed-service', values);
    expect(response.status).toBe(200);
    const files = generatedFiles(response.body);
    const log = dryRunLog(response);

    const yamlFiles = [...files].filter(([file]) => /\.ya?ml$/.test(file));
    expect(yamlFiles.length).toBeGreaterThan(2);
    for (const [file, text] of yamlFiles) {
      expect({ file, errors: parseAllDocuments(text).flatMap(d => d.errors.map(e => e.message)) }).toEqual({
        file,
        errors: [],
      });
    }
    for (const [file, text] of files) {
      expect({ file, leftover: /\$\{\{\s*values\.|\{%/.test(text) }).toEqual({ file, leftover: false });
    }

    const ci = parse(files.get('.gitlab-ci.yml')!);
    expect(ci.stages).toEqual(['test', 'build', 'deploy-qa', 'deploy-preprod', 'deploy-prod']);
    expect(ci.build.needs).toEqual(['test']);
    expect(ci['deploy-qa']).toMatchObject({
      stage: 'deploy-qa',
      needs: ['test', 'build'],
      environment: { name: 'qa', deployment_tier: 'development' },
    });
    expect(ci['deploy-preprod'].needs).toEqual(['test', 'build', 'deploy-qa']);
    expect(ci['deploy-prod'].needs).toEqual(['test', 'build', 'deploy-preprod']);
    expect(ci.variables).toMatchObject({ STRATEGY: 'canary', CANARY_STEPS: '5,25,50' });
    const deployScript = ci['.deploy'].script.join('\n');
    expect(deployScript).toContain('greenlight gate wait --rollout');
    expect(deployScript).toContain('cosign verify "$IMAGE@$DIGEST"');
    const buildScript = ci.build.script.join('\n');
    for (const evidence of ['SOURCE_DATE_EPOCH', 'syft scan', 'cosign sign', '--type slsaprovenance1', 'greenlight record artifact']) {
      expect(buildScript).toContain(evidence);
    }
    expect(ci.build.id_tokens.SIGSTORE_ID_TOKEN.aud).toBe('sigstore');

    // Nothing runs from a moving reference: no includes, every image by digest.
    expect(ci.include).toBeUndefined();
    const images = Object.values(ci).flatMap((job: any) => (job?.image ? [job.image.name ?? job.image] : []));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(IMAGE_BY_DIGEST);

    const entity = parse(files.get('catalog-info.yaml')!);
    expect(entity.metadata.annotations).toEqual({
      'gitlab.com/project-slug': 'acme/ledger',
      'greenlight.dev/service-id': 'ledger',
      'greenlight.dev/artifact': 'pkg:oci/acme/ledger',
      'greenlight.dev/slo': './slo.yaml',
      'greenlight.dev/expected-source': 'https://gitlab.com/acme/ledger',
      'greenlight.dev/allowed-builders': 'https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v*/PROVENANCE.md',
    });

    const slo = parseOpenSloDocuments(parseAllDocuments(files.get('slo.yaml')!).map(d => d.toJSON()), {
      parseEmbedded: text => parse(text),
    });
    expect(slo.ok && slo.gates.map(g => [g.id, g.kind])).toEqual([
      ['ledger-availability/availability', 'burn-rate'],
      ['ledger-availability/error-rate', 'threshold'],
      ['ledger-availability/latency-vs-baseline', 'canary-vs-baseline'],
      ['ledger-latency/p99-latency', 'threshold'],
    ]);
    expect(slo.ok && slo.gates.find(g => g.name === 'availability')).toMatchObject({ objective: 0.995 });

    // Without the GitLab publisher the project is not created, but everything else ran.
    expect(log).toContain('Skipping step publish because its if condition was false');
    expect(log).toContain('Skipping step register because its if condition was false');
    expect(log).toMatch(/\d+ reference\(s\) in 1 file\(s\) are pinned/);
    expect(log).toContain(
      'Dry run: would register component:default/ledger with Greenlight: {"environments":[{"name":"qa","tier":"development","order":0}',
    );
    expect(log).toContain('"expectedSource":"https://gitlab.com/acme/ledger"');
  });

  it('needs the GitLab publisher, which this portal does not install, to create the project', async () => {
    const dryRun = await startScaffolder();
    const response = await dryRun('gitlab-governed-service', { ...values, publish: true });
    expect(JSON.stringify(response.body)).toContain("'publish:gitlab' is not registered");
  });
});
