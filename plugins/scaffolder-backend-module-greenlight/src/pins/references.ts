import { IMAGE_DIGEST, PinRules } from './types';

const VERSION_COMMENT = /#\s*v?\d+(\.\d+){0,3}\b/;

export function hasVersionComment(lineText: string): boolean {
  return VERSION_COMMENT.test(lineText);
}

/** Why a container image reference is not pinned enough, or undefined. */
export function checkImage(image: string, rules: Pick<PinRules, 'requireImageDigests'>): string | undefined {
  if (image.includes('${{') || image.startsWith('$')) {
    return `image "${image}" is given by a variable, which cannot be checked`;
  }
  if (IMAGE_DIGEST.test(image)) return undefined;
  if (rules.requireImageDigests) {
    return `image ${image} is not pinned by an @sha256: digest`;
  }
  // Without the digest rule an exact tag is accepted, but never a missing or moving one.
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  if (!tag || tag === 'latest') return `image ${image} has no fixed tag or digest`;
  return undefined;
}
