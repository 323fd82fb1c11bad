import { isPair, isScalar, visit } from 'yaml';
import { checkImage, hasVersionComment } from './references';
import { FULL_SHA, PinProblem, PinReport, PinRules } from './types';
import { parseYamlSource } from './yamlSource';

/** Why a `uses:` value is not pinned, or undefined when it is. */
function usesProblem(uses: string, rules: PinRules, lineText: string): string | undefined {
  if (uses.includes('${{')) return `"${uses}" is given by an expression, which cannot be checked`;
  // Local actions and reusable workflows come from the same commit as the workflow itself.
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://')) {
    return checkImage(uses.slice('docker://'.length), { ...rules, requireImageDigests: true });
  }
  const at = uses.lastIndexOf('@');
  if (at < 0) return `${uses} has no version; pin it by a 40-hex commit SHA`;
  const [name, ref] = [uses.slice(0, at), uses.slice(at + 1)];
  if (!FULL_SHA.test(ref)) {
    return `${name} is pinned to "${ref}", which can move; pin it by a 40-hex commit SHA`;
  }
  if (rules.requireVersionComment && !hasVersionComment(lineText)) {
    return `${name}@${ref} has no "# vX.Y.Z" comment naming the release it is`;
  }
  return undefined;
}

/**
 * Checks a GitHub Actions workflow or composite action: every `uses:` is local, a
 * digest-pinned docker image, or pinned by full commit SHA; job containers and service
 * images are pinned by digest.
 */
export function checkGithubActionsFile(file: string, text: string, rules: PinRules): PinReport {
  const source = parseYamlSource(text);
  if (source.errors.length) {
    return {
      references: 0,
      problems: source.errors.map(e => ({ file, line: e.line, message: `not valid YAML: ${e.message}` })),
    };
  }
  const problems: PinProblem[] = [];
  let references = 0;
  const report = (line: number, message: string | undefined) => {
    if (message) problems.push({ file, line, message });
  };

  visit(source.doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      // Step inputs (`with:`) may be named `image` too; only job containers and services run images.
      const ancestors = path.filter(isPair).map(p => (isScalar(p.key) ? p.key.value : undefined));
      const runsImage = !ancestors.includes('with') && ['container', 'services'].some(k => ancestors.includes(k));
      const value = pair.value.value;
      if (typeof value !== 'string') return;
      const line = source.lineOf(pair.value);
      const key = pair.key.value;
      if (key === 'uses') {
        references++;
        report(line, usesProblem(value.trim(), rules, source.lineText(line)));
      } else if ((key === 'image' && runsImage) || (key === 'container' && !ancestors.includes('with'))) {
        references++;
        report(line, checkImage(value.trim(), rules));
      }
    },
  });
  return { references, problems };
}
