import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import yaml from 'yaml';
import { checkOpenSlo, GATE_SETTING_BY_SUFFIX } from '../slo/checkOpenSlo';

const SETTING_SUFFIXES = Object.keys(GATE_SETTING_BY_SUFFIX) as [string, ...string[]];

const examples = [
  {
    description: 'Validate the SLO file the skeleton produced, requiring explicit rollout settings',
    example: yaml.stringify({
      steps: [
        {
          id: 'slo',
          action: 'greenlight:slo:validate',
          name: 'Validate SLO gates',
          input: { path: './slo.yaml', requiredSettings: ['interval', 'evaluations', 'failure-rule'] },
        },
      ],
    }),
  },
  {
    description: 'Validate inline OpenSLO content',
    example: yaml.stringify({
      steps: [
        {
          id: 'slo',
          action: 'greenlight:slo:validate',
          input: { content: '${{ parameters.sloYaml }}' },
        },
      ],
    }),
  },
];

/**
 * `greenlight:slo:validate`: reads an OpenSLO file (or inline content) the way the
 * Greenlight backend will, and fails the task listing every problem.
 *
 * @public
 */
export function createSloValidateAction() {
  return createTemplateAction({
    id: 'greenlight:slo:validate',
    description:
      'Checks an OpenSLO file and its greenlight.dev/* gate settings as Greenlight will read them; outputs the gate ids',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z.string().optional().describe('Path of the OpenSLO YAML file in the workspace, e.g. ./slo.yaml'),
        content: z => z.string().optional().describe('OpenSLO YAML given inline instead of a file'),
        requiredSettings: z =>
          z
            .array(z.enum(SETTING_SUFFIXES))
            .optional()
            .describe('greenlight.dev/* settings every SLO must set explicitly, e.g. interval, failure-rule'),
      },
      output: {
        gateIds: z => z.array(z.string()).describe('Ids of the gates the documents define, <SLO name>/<gate name>'),
        warnings: z => z.array(z.string()).describe('What the parser warns about without failing'),
        settings: z =>
          z.record(z.string()).describe('Gate settings all SLO documents agree on, by setting name'),
      },
    },
    async handler(ctx) {
      const { path, content, requiredSettings } = ctx.input;
      if ((path === undefined) === (content === undefined)) {
        throw new InputError('greenlight:slo:validate needs exactly one of path and content');
      }
      const source = path ?? 'inline content';
      const text =
        content ??
        (await fs.readFile(resolveSafeChildPath(ctx.workspacePath, path!), 'utf8').catch(e => {
          throw new InputError(`Cannot read ${path} in the workspace: ${(e as Error).message}`);
        }));

      const result = checkOpenSlo(text, { requiredSettings });
      for (const warning of result.warnings) ctx.logger.warn(`${source}: ${warning}`);
      if (!result.ok) {
        throw new InputError(
          `${source} is not a valid Greenlight SLO (${result.errors.length} problem(s)):\n${result.errors
            .map(e => `  - ${e}`)
            .join('\n')}`,
        );
      }
      ctx.logger.info(`${source}: ${result.gateIds.length} gate(s): ${result.gateIds.join(', ')}`);
      ctx.output('gateIds', result.gateIds);
      ctx.output('warnings', result.warnings);
      ctx.output('settings', result.settings);
    },
  });
}
