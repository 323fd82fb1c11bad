import { allOptions, CommandSpec, OptionSpec } from './options';
import { gateSpecs, recordSpecs } from './specs';
import { ExitCode } from './errors';

function optionHead(o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${
    o.value ? ` ${o.value}` : ''
  }`;
  return o.short ? flag : `    ${flag}`;
}

function optionLines(options: OptionSpec[], width: number): string[] {
  const heads = options.map(optionHead);
  return options.map((o, i) => {
    const notes = [
      o.required ? 'required' : undefined,
      o.env ? `env ${o.env}` : undefined,
    ].filter(Boolean);
    const description = `${o.description}${
      notes.length ? ` [${notes.join(', ')}]` : ''
    }`;
    const head = heads[i];
    return head.length + 2 > width
      ? `  ${head}\n  ${' '.repeat(width)}${description}`
      : `  ${head.padEnd(width)}${description}`;
  });
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [
    `greenlight ${spec.name} - ${spec.summary}`,
    '',
    'Usage:',
    `  ${spec.usage}`,
    '',
  ];
  if (spec.details) lines.push(spec.details, '');
  const width = Math.min(
    Math.max(...allOptions(spec).map(o => optionHead(o).length)) + 2,
    40,
  );
  lines.push('Options:', ...optionLines(spec.options, width), '');
  for (const section of spec.sharedOptions ?? []) {
    lines.push(`${section.title}:`, ...optionLines(section.options, width), '');
  }
  lines.push('Examples:');
  for (const example of spec.examples) {
    lines.push(`  # ${example.title}`, example.text, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function commandList(
  prefix: string,
  specs: Record<string, CommandSpec>,
): string[] {
  const all = [...Object.values(recordSpecs), ...Object.values(gateSpecs)];
  const width = Math.max(...all.map(s => s.name.length)) + 4;
  return Object.values(specs).map(
    s => `  ${prefix}${s.name.padEnd(width)}${s.summary}`,
  );
}

export function groupHelp(group: 'record' | 'gate'): string {
  const specs = group === 'record' ? recordSpecs : gateSpecs;
  const intro =
    group === 'record'
      ? 'Send native events to POST /api/greenlight/v1/events. Every event is validated\n' +
        'locally first and carries a deterministic id, so retried pipeline steps are no-ops.'
      : 'Ask Greenlight for a decision before or during a rollout.';
  return `${[
    `greenlight ${group} <command> [options]`,
    '',
    intro,
    '',
    'Commands:',
    ...commandList('', specs),
    '',
    `Run "greenlight ${group} <command> --help" for its flags and CI examples.`,
  ].join('\n')}\n`;
}

export function mainHelp(): string {
  return `${[
    'greenlight - report builds, deployments, incidents and tests to Greenlight, and ask its gates',
    '',
    'Usage:',
    '  greenlight record <build|deploy|incident|tests|commits|artifact> [options]',
    '  greenlight gate <readiness|wait> [options]',
    '  greenlight help [command]    greenlight --version',
    '',
    'Commands:',
    ...commandList('greenlight ', recordSpecs),
    ...commandList('greenlight ', gateSpecs),
    '',
    'Connection (every command):',
    '  --url <url>      Backstage base URL [env GREENLIGHT_URL]',
    '  --token <token>  Backstage external-access static token [env GREENLIGHT_TOKEN]',
    '  --dry-run        Print the JSON that would be sent, send nothing',
    '  -v, --verbose    Log requests and responses to stderr (token masked)',
    '  --attempts <n>   Tries per request on network errors and 5xx (default 3)',
    '',
    'Exit codes:',
    `  ${ExitCode.Ok}  success (events recorded, change allowed, rollout promoted)`,
    `  ${ExitCode.Failed}  request failed (network, server error, rejected request)`,
    `  ${ExitCode.Usage}  usage error or events that do not validate`,
    `  ${ExitCode.Blocked}  gate readiness: change blocked`,
    `  ${ExitCode.RolledBack}  gate wait: rollout rolled back or aborted`,
    `  ${ExitCode.Timeout}  gate wait: timed out`,
    '',
    'Run "greenlight <command> <subcommand> --help" for flags and examples for',
    'GitHub Actions, GitLab CI and Jenkins.',
  ].join('\n')}\n`;
}
