import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPipelinePinCheckAction } from './pipelinePinCheck';

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';
const DIGEST = `sha256:${'a'.repeat(64)}`;

const pinnedWorkflow = `
name: pipeline
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    container:
      image: golang:1.23.4@${DIGEST}
    services:
      db:
        image: postgres:16.4@${DIGEST}
    steps:
      - uses: ${CHECKOUT} # v4.2.2
      - uses: ./.github/actions/greenlight
      - uses: docker://alpine:3.20@${DIGEST}
      - name: sbom
        uses: anchore/sbom-action@55dc4ee22412511ee8c3142cbea40418e6cec693 # v0.17.8
        with:
          image: \${{ env.IMAGE }}@\${{ needs.build.outputs.digest }}
  deploy:
    needs: [test]
    uses: ./.github/workflows/deploy.yaml
`;

const unpinnedWorkflow = `name: pipeline
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    container: node:22
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@main
      - uses: ${CHECKOUT}
      - uses: actions/cache@1bd1e32
      - uses: docker://alpine:3.20
      - uses: \${{ matrix.action }}
      - { uses: octo/flow-style@v1, name: flow }
  release:
    uses: octo/workflows/.github/workflows/release.yml@v2
`;

const compositeAction = `name: greenlight
runs:
  using: composite
  steps:
    - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0
`;

const SHA = 'c'.repeat(40);
const pinnedGitlab = `
variables:
  GO_IMAGE: golang:1.23.4-bookworm@${DIGEST}
default:
  image: $GO_IMAGE
include:
  - local: ci/deploy.yml
  - project: platform/ci-templates
    ref: ${SHA} # v3.1.0
    file: /sbom.yml
  - component: gitlab.com/acme/components/sign@${SHA} # v1.2.0
  - remote: https://example.com/ci.yml
    integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=
test:
  image:
    name: golang:1.23.4-bookworm@${DIGEST}
  services:
    - name: postgres:16.4@${DIGEST}
  script: [go test ./...]
`;

const unpinnedGitlab = `include:
  - project: platform/ci-templates
    ref: main
    file: /sbom.yml
  - project: platform/other
    file: /x.yml
  - component: gitlab.com/acme/components/sign@1.2.0
  - https://example.com/ci.yml
  - template: Security/SAST.gitlab-ci.yml
test:
  image: golang:latest
  services: [postgres]
  script: [go test ./...]
`;

describe('greenlight:pipeline:pin-check', () => {
  const workspace = createMockDirectory();
  const action = createPipelinePinCheckAction();
  beforeEach(() => workspace.clear());

  async function run(input: { paths?: string[]; requireVersionComment?: boolean; requireImageDigests?: boolean } = {}) {
    const ctx = createMockActionContext({ input, workspacePath: workspace.path });
    const error = await action.handler(ctx).then(
      () => undefined,
      e => e as Error,
    );
    return { ctx, error };
  }

  it('passes workflows, local actions and a GitLab pipeline that pin everything', async () => {
    workspace.setContent({
      '.github/workflows/pipeline.yaml': pinnedWorkflow,
      '.github/workflows/README.md': 'not a workflow',
      '.github/actions/greenlight/action.yml': compositeAction,
      '.gitlab-ci.yml': pinnedGitlab,
    });
    const { ctx, error } = await run();
    expect(error).toBeUndefined();
    expect(ctx.output).toHaveBeenCalledWith('files', [
      '.github/workflows/pipeline.yaml',
      '.github/actions/greenlight/action.yml',
      '.gitlab-ci.yml',
    ]);
    // 5 uses + 2 images in the workflow, 1 in the action, 4 includes + 3 images in GitLab
    expect(ctx.output).toHaveBeenCalledWith('references', 15);
  });

  it('names the file and line of every unpinned GitHub reference', async () => {
    workspace.setContent({ '.github/workflows/pipeline.yaml': unpinnedWorkflow });
    const { error } = await run({ paths: ['.github'] });
    const message = error?.message ?? '';
    expect(message).toContain('9 unpinned reference(s)');
    const f = '.github/workflows/pipeline.yaml';
    expect(message).toContain(`${f}:6: image node:22 is not pinned by an @sha256: digest`);
    expect(message).toContain(`${f}:8: actions/checkout is pinned to "v4", which can move`);
    expect(message).toContain(`${f}:9: actions/setup-go is pinned to "main"`);
    expect(message).toContain(`${f}:10: ${CHECKOUT} has no "# vX.Y.Z" comment`);
    expect(message).toContain(`${f}:11: actions/cache is pinned to "1bd1e32"`);
    expect(message).toContain(`${f}:12: image alpine:3.20 is not pinned by an @sha256: digest`);
    expect(message).toContain(`${f}:13: "\${{ matrix.action }}" is given by an expression`);
    expect(message).toContain(`${f}:14: octo/flow-style is pinned to "v1"`);
    expect(message).toContain(`${f}:16: octo/workflows/.github/workflows/release.yml is pinned to "v2"`);
  });

  it('can leave out the version comment rule', async () => {
    workspace.setContent({ '.github/workflows/ci.yml': `jobs:\n  a:\n    steps:\n      - uses: ${CHECKOUT}\n` });
    expect((await run()).error?.message).toContain('has no "# vX.Y.Z" comment');
    expect((await run({ requireVersionComment: false })).error).toBeUndefined();
  });

  it('names every unpinned GitLab include and image', async () => {
    workspace.setContent({ '.gitlab-ci.yml': unpinnedGitlab });
    const { error } = await run({ paths: ['.gitlab-ci.yml'] });
    const message = error?.message ?? '';
    expect(message).toContain('7 unpinned reference(s)');
    expect(message).toContain('.gitlab-ci.yml:3: include of platform/ci-templates uses ref "main"');
    expect(message).toContain('.gitlab-ci.yml:5: include of platform/other uses ref "the default branch"');
    expect(message).toContain('.gitlab-ci.yml:7: component gitlab.com/acme/components/sign@1.2.0 is not pinned');
    expect(message).toContain('.gitlab-ci.yml:8: remote include https://example.com/ci.yml can change');
    expect(message).toContain('.gitlab-ci.yml:9: template Security/SAST.gitlab-ci.yml changes with the GitLab version');
    expect(message).toContain('.gitlab-ci.yml:11: image golang:latest is not pinned');
    expect(message).toContain('.gitlab-ci.yml:12: image postgres is not pinned');
  });

  it('accepts exact image tags when digests are not required, never latest or none', async () => {
    workspace.setContent({
      '.gitlab-ci.yml': 'test:\n  image: golang:1.23.4\n  services: [postgres, "redis:latest"]\n  script: [true]\n',
    });
    const { error } = await run({ requireImageDigests: false });
    expect(error?.message).toContain('2 unpinned reference(s)');
    expect(error?.message).toContain('image postgres has no fixed tag or digest');
    expect(error?.message).toContain('image redis:latest has no fixed tag or digest');
  });

  it('reports a file that is not YAML, and fails when there is nothing to check', async () => {
    workspace.setContent({ '.github/workflows/broken.yml': 'jobs: [unclosed\n' });
    expect((await run()).error?.message).toMatch(/broken\.yml:\d+: not valid YAML/);
    workspace.clear();
    expect((await run()).error?.message).toContain('No pipeline files found');
    expect((await run({ paths: ['../../etc'] })).error?.message).toMatch(/outside|No pipeline files/);
  });
});
