const STANDARD = /^[A-Za-z0-9+/]*$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes standard or URL-safe base64, with or without padding.
 *
 * Node's own decoder silently skips invalid characters and ignores stray
 * trailing bits, so two different strings can decode to the same bytes. We
 * accept only the canonical encoding of the returned bytes, so that the bytes
 * we verify are the only bytes the text can stand for.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const unpadded = text.replace(/={1,2}$/, '');
  const padding = text.length - unpadded.length;
  if (padding > 0 && text.length % 4 !== 0) {
    return undefined;
  }
  if (unpadded.length % 4 === 1) {
    return undefined;
  }
  const urlSafe = URL_SAFE.test(unpadded);
  if (!urlSafe && !STANDARD.test(unpadded)) {
    return undefined;
  }
  const bytes = Buffer.from(unpadded, urlSafe ? 'base64url' : 'base64');
  const canonical = bytes.toString(urlSafe ? 'base64url' : 'base64');
  if (canonical.replace(/=+$/, '') !== unpadded) {
    return undefined;
  }
  return bytes;
}
