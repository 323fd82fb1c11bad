import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';
import { checkPipelineFiles } from '../pins/checkPipelineFiles';

const DEFAULT_PATHS = ['.github/workflows', '.github/actions', '.gitlab-ci.yml', '.gitlab'];

const examples = [
  {
    description: 'Check the generated GitHub Actions workflows and local actions',
    example: yaml.stringify({
      steps: [
        {
          id: 'pins',
          action: 'greenlight:pipeline:pin-check',
          name: 'Check that every action is pinned',
          input: { paths: ['.github'] },
        },
      ],
    }),
  },
  {
    description: 'Check a GitLab CI pipeline, accepting exact image tags where digests are not used',
    example: yaml.stringify({
      steps: [
        {
          id: 'pins',
          action: 'greenlight:pipeline:pin-check',
          input: { paths: ['.gitlab-ci.yml'], requireImageDigests: false },
        },
      ],
    }),
  },
];

/**
 * `greenlight:pipeline:pin-check`: every third-party action, reusable workflow and include
 * in the generated pipelines must be pinned by a full commit SHA, and images by digest, so
 * that a retagged release cannot change what the pipeline runs.
 *
 * @public
 */
export function createPipelinePinCheckAction() {
  return createTemplateAction({
    id: 'greenlight:pipeline:pin-check',
    description:
      'Fails when a GitHub Actions `uses:` or a GitLab CI include is not pinned by a 40-hex commit SHA, or an image not by digest; names file and line',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        paths: z =>
          z
            .array(z.string())
            .optional()
            .describe(`Workspace files or folders to check; default ${DEFAULT_PATHS.join(', ')}`),
        requireVersionComment: z =>
          z.boolean().optional().describe('Require a "# vX.Y.Z" comment after each SHA (default true)'),
        requireImageDigests: z =>
          z.boolean().optional().describe('Require images to be pinned by @sha256 digest (default true)'),
      },
      output: {
        files: z => z.array(z.string()).describe('Pipeline files that were checked'),
        references: z => z.number().describe('How many references were checked'),
      },
    },
    async handler(ctx) {
      const report = await checkPipelineFiles(ctx.workspacePath, ctx.input.paths ?? DEFAULT_PATHS, {
        requireVersionComment: ctx.input.requireVersionComment ?? true,
        requireImageDigests: ctx.input.requireImageDigests ?? true,
      });
      if (report.files.length === 0) {
        throw new InputError(`No pipeline files found under ${(ctx.input.paths ?? DEFAULT_PATHS).join(', ')}`);
      }
      if (report.problems.length) {
        throw new InputError(
          `${report.problems.length} unpinned reference(s) in the pipeline:\n${report.problems
            .map(p => `  - ${p.file}:${p.line}: ${p.message}`)
            .join('\n')}`,
        );
      }
      ctx.logger.info(`${report.references} reference(s) in ${report.files.length} file(s) are pinned`);
      ctx.output('files', report.files);
      ctx.output('references', report.references);
    },
  });
}
