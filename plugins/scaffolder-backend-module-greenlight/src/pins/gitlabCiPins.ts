import { isMap, isScalar, isSeq, Node, visit, YAMLMap } from 'yaml';
import { checkImage, hasVersionComment } from './references';
import { FULL_SHA, PinProblem, PinReport, PinRules } from './types';
import { parseYamlSource, YamlSource } from './yamlSource';

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value.trim() : undefined;
}

/** Top-level `variables`, so that `image: $GO_IMAGE` can be checked like the value it names. */
function topLevelVariables(source: YamlSource): Map<string, string> {
  const variables = new Map<string, string>();
  const node = source.doc.get('variables', true);
  if (!isMap(node)) return variables;
  for (const pair of node.items) {
    const name = scalarText(pair.key);
    const value = isMap(pair.value) ? scalarText(pair.value.get('value', true)) : scalarText(pair.value);
    if (name && value !== undefined) variables.set(name, value);
  }
  return variables;
}

export function checkGitlabCiFile(file: string, text: string, rules: PinRules): PinReport {
  const source = parseYamlSource(text);
  if (source.errors.length) {
    return {
      references: 0,
      problems: source.errors.map(e => ({ file, line: e.line, message: `not valid YAML: ${e.message}` })),
    };
  }
  const variables = topLevelVariables(source);
  const problems: PinProblem[] = [];
  let references = 0;
  const report = (node: Node | null | undefined, message: string | undefined) => {
    if (message) problems.push({ file, line: source.lineOf(node), message });
  };
  const resolve = (value: string) => {
    const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value)?.[1];
    return name && variables.has(name) ? variables.get(name)! : value;
  };
  const withComment = (node: Node, what: string) =>
    rules.requireVersionComment && !hasVersionComment(source.lineText(source.lineOf(node)))
      ? `${what} has no "# vX.Y.Z" comment naming the release it is`
      : undefined;

  const checkImageNode = (node: unknown) => {
    const name = isMap(node) ? scalarText(node.get('name', true)) : scalarText(node);
    if (name === undefined) return;
    references++;
    report(node as Node, checkImage(resolve(name), rules));
  };

  const checkInclude = (node: unknown) => {
    const shorthand = scalarText(node);
    if (shorthand !== undefined) {
      references++;
      if (/^https?:\/\//.test(shorthand)) {
        report(node as Node, `remote include ${shorthand} can change; give it as { remote, integrity }`);
      }
      return;
    }
    if (!isMap(node)) return;
    references++;
    const map = node as YAMLMap;
    const field = (name: string) => scalarText(map.get(name, true));
    const project = field('project');
    const component = field('component');
    const remote = field('remote');
    const template = field('template');
    if (project !== undefined) {
      const ref = field('ref');
      const refNode = map.get('ref', true) as Node | undefined;
      if (!ref || !FULL_SHA.test(ref)) {
        report(refNode ?? map, `include of ${project} uses ref "${ref ?? 'the default branch'}"; pin it by a 40-hex commit SHA`);
      } else {
        report(refNode, withComment(refNode!, `include of ${project}@${ref}`));
      }
    } else if (component !== undefined) {
      const ref = component.slice(component.lastIndexOf('@') + 1);
      const componentNode = map.get('component', true) as Node;
      if (!component.includes('@') || !FULL_SHA.test(ref)) {
        report(componentNode, `component ${component} is not pinned by a 40-hex commit SHA`);
      } else {
        report(componentNode, withComment(componentNode, `component ${component}`));
      }
    } else if (remote !== undefined && !field('integrity')?.startsWith('sha256-')) {
      report(map, `remote include ${remote} has no integrity: sha256-… hash`);
    } else if (template !== undefined) {
      report(map, `template ${template} changes with the GitLab version; copy it into the repository and include it as local`);
    }
  };

  visit(source.doc, {
    Pair(_, pair) {
      const key = scalarText(pair.key);
      if (key === 'include') {
        if (isSeq(pair.value)) pair.value.items.forEach(checkInclude);
        else checkInclude(pair.value);
      } else if (key === 'image') {
        checkImageNode(pair.value);
      } else if (key === 'services' && isSeq(pair.value)) {
        pair.value.items.forEach(checkImageNode);
      }
    },
  });
  return { references, problems };
}
