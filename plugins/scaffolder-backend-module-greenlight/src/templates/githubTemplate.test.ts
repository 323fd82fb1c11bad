import { parseOpenSloDocuments } from '@greenlight/backstage-plugin-greenlight-common';
import { parse, parseAllDocuments } from 'yaml';
import { dryRunLog, generatedFiles, startScaffolder } from '../__testUtils__/dryRun';

jest.setTimeout(120_000);

const values = {
  name: 'payments-api',
  description: 'Takes payments',
  owner: 'group:default/payments-team',
  environments: [
    { name: 'dev', tier: 'development' },
    { name: 'staging', tier: 'staging' },
    { name: 'production', tier: 'production' },
  ],
  strategy: 'canary',
  canarySteps: [10, 50],
  availability: 99.9,
  latencyP99Ms: 250,
  repoUrl: 'github.com?owner=Acme&repo=payments-api',
};

const PINNED_USES = /^\s*(?:-\s+)?uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$/;
const LOCAL_USES = /^\s*(?:-\s+)?uses:\s+\.\/\S+\s*$/;

describe('the GitHub Actions template, through the scaffolder dry-run', () => {
  it('generates a service whose pipeline, catalog entity and SLO Greenlight accepts', async () => {
    const dryRun = await startScaffolder();
    const response = await dryRun('github-governed-service', values);
    expect(response.status).toBe(200);
    const files = generatedFiles(response.body);
    const log = dryRunLog(response);

    // Every YAML file parses, and no template syntax is left behind.
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

    // Tests are a job of their own that the build and every deployment wait for, and
    // environments deploy in promotion order.
    const pipeline = parse(files.get('.github/workflows/pipeline.yaml')!);
    expect(Object.keys(pipeline.jobs)).toEqual(['test', 'build', 'deploy-dev', 'deploy-staging', 'deploy-production']);
    expect(pipeline.jobs.build.needs).toEqual(['test']);
    expect(pipeline.jobs['deploy-dev'].needs).toEqual(['test', 'build']);
    expect(pipeline.jobs['deploy-staging'].needs).toEqual(['test', 'build', 'deploy-dev']);
    expect(pipeline.jobs['deploy-production'].needs).toEqual(['test', 'build', 'deploy-staging']);
    for (const env of ['dev', 'staging', 'production']) {
      // Promotion, not rebuild: every environment gets the digest the build job made.
      expect(pipeline.jobs[`deploy-${env}`].with).toMatchObject({
        environment: env,
        digest: '${{ needs.build.outputs.digest }}',
        strategy: 'canary',
        'canary-steps': '10,50',
      });
    }
    expect(pipeline.env.IMAGE).toBe('ghcr.io/acme/payments-api');
    const buildSteps = JSON.stringify(pipeline.jobs.build.steps);
    for (const evidence of ['SOURCE_DATE_EPOCH', 'anchore/sbom-action@', 'cosign sign', 'attest-build-provenance@', 'greenlight record artifact', 'greenlight record build']) {
      expect(buildSteps).toContain(evidence);
    }
    const deploy = files.get('.github/workflows/deploy.yaml')!;
    expect(deploy).toContain('greenlight gate wait --rollout');
    expect(deploy).toContain('cosign verify');

    // Every third-party action is pinned by full SHA with its release in a comment.
    const uses = [...files]
      .filter(([file]) => file.startsWith('.github/'))
      .flatMap(([file, text]) => text.split('\n').filter(l => /^\s*(-\s+)?uses:/.test(l)).map(line => ({ file, line })));
    expect(uses.length).toBeGreaterThan(10);
    for (const { file, line } of uses) {
      expect({ file, line, pinned: PINNED_USES.test(line) || LOCAL_USES.test(line) }).toEqual({ file, line, pinned: true });
    }

    // The catalog entity carries what Greenlight maps events and checks provenance with.
    const entity = parse(files.get('catalog-info.yaml')!);
    expect(entity.metadata.name).toBe('payments-api');
    expect(entity.spec.owner).toBe('group:default/payments-team');
    expect(entity.metadata.annotations).toEqual({
      'github.com/project-slug': 'Acme/payments-api',
      'greenlight.dev/service-id': 'payments-api',
      'greenlight.dev/artifact': 'pkg:oci/acme/payments-api',
      'greenlight.dev/slo': './slo.yaml',
      'greenlight.dev/expected-source': 'https://github.com/Acme/payments-api',
      'greenlight.dev/allowed-builders': 'https://github.com/actions/runner/github-hosted',
    });

    // The SLO gives the gates the rollouts are judged by, with the chosen objectives.
    const slo = parseOpenSloDocuments(parseAllDocuments(files.get('slo.yaml')!).map(d => d.toJSON()), {
      parseEmbedded: text => parse(text),
    });
    expect(slo.ok && slo.gates.map(g => g.id)).toEqual([
      'payments-api-availability/availability',
      'payments-api-availability/error-rate',
      'payments-api-availability/latency-vs-baseline',
      'payments-api-latency/p99-latency',
    ]);
    const gates = slo.ok ? Object.fromEntries(slo.gates.map(g => [g.name, g])) : {};
    expect(gates.availability).toMatchObject({ kind: 'burn-rate', objective: 0.999 });
    expect(gates['p99-latency']).toMatchObject({ kind: 'threshold', comparator: '<', threshold: 0.25 });
    expect(gates['error-rate']).toMatchObject({ threshold: 0.001 });
    expect(gates['latency-vs-baseline']).toMatchObject({ policy: expect.objectContaining({ shadow: true }) });

    // The template's own checks ran, and the registration was left out of the dry run.
    expect(log).toContain('4 gate(s)');
    expect(log).toMatch(/\d+ reference\(s\) in 3 file\(s\) are pinned/);
    expect(log).toContain('Dry run: would register component:default/payments-api with Greenlight');
    expect(log).toContain('"rollout":{"strategy":"canary","canarySteps":[10,50]}');
  });

  it('leaves the baseline comparison out of a blue-green service', async () => {
    const dryRun = await startScaffolder();
    const response = await dryRun('github-governed-service', { ...values, strategy: 'blue-green' });
    expect(response.status).toBe(200);
    const files = generatedFiles(response.body);
    expect(files.get('slo.yaml')).not.toContain('canary-vs-baseline');
    expect(parse(files.get('.github/workflows/pipeline.yaml')!).jobs['deploy-production'].with.strategy).toBe(
      'blue-green',
    );
    expect(dryRunLog(response)).toContain('"rollout":{"strategy":"blue-green"}');
  });

  it('refuses parameters the template does not allow', async () => {
    const dryRun = await startScaffolder();
    const send = (changes: Record<string, unknown>) => dryRun('github-governed-service', { ...values, ...changes });

    expect((await send({ name: 'Payments_API' })).status).toBe(400);
    expect((await send({ environments: [{ name: 'dev', tier: 'development' }] })).status).toBe(400);
    expect((await send({ strategy: 'big-bang' })).status).toBe(400);
    expect((await send({ availability: 90 })).status).toBe(400);
  });
});
