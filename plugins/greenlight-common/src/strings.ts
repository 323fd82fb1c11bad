import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { z } from 'zod';

/**
 * Characters no stored string may carry:
 * - C0 and C1 control characters and DEL: NUL is refused by PostgreSQL, and the others
 *   corrupt logs, CSV exports and terminals;
 * - bidirectional embedding, override and isolate characters (U+202A–U+202E,
 *   U+2066–U+2069): they make text display differently from what it is ("Trojan Source");
 * - unpaired UTF-16 surrogates: not Unicode text, and PostgreSQL refuses their JSON escapes.
 *
 * Free text (notes, reasons, descriptions, commit messages) may also hold tab, line feed
 * and carriage return; identifiers (ids, environments, references) may not.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/**
 * Every character any of the checks above could refuse, paired surrogates included: text
 * without one (nearly all text) is safe after a single test instead of four. Ingestion checks
 * every string of every event this way, most of them twice (request body and schema).
 */
const MAYBE_UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;

/**
 * Why a string may not be stored, or undefined when it may.
 *
 * @public
 */
export function unsafeCharacterIn(
  text: string,
  options: { freeText?: boolean } = {},
): string | undefined {
  if (!MAYBE_UNSAFE.test(text)) return undefined;
  if (CONTROL.test(text)) return 'must not contain control characters';
  if (!options.freeText && LINE_BREAK_OR_TAB.test(text)) {
    return 'must not contain tabs or line breaks';
  }
  if (BIDI_CONTROL.test(text)) {
    return 'must not contain bidirectional override or isolate characters';
  }
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired surrogates';
  return undefined;
}

const UNSAFE_IN_FREE_TEXT = new RegExp(
  `${CONTROL.source}|${BIDI_CONTROL.source}|${LONE_SURROGATE.source}`,
  'gu',
);

/**
 * Free text with every character {@link unsafeCharacterIn} refuses in free text replaced by
 * U+FFFD. For text Greenlight stores but did not receive from its own writers, such as a
 * commit message in a vendor's webhook: refusing the delivery would lose every other fact in
 * it (the vendor does not send it again), and the replacement keeps what the text was about
 * while showing that something was taken out.
 *
 * @public
 */
export function withoutUnsafeCharacters(text: string): string {
  if (!MAYBE_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_IN_FREE_TEXT, '\uFFFD');
}

function refuseUnsafe(freeText: boolean) {
  return (text: string, ctx: z.core.$RefinementCtx<string>) => {
    const problem = unsafeCharacterIn(text, { freeText });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/**
 * A string that is safe to store as an identifier: no control characters (tab and line
 * breaks included), no bidirectional controls, no unpaired surrogates.
 *
 * @public
 */
export const safeString = () => z.string().superRefine(refuseUnsafe(false));

/**
 * Free text (a note, a reason, a description): like {@link safeString}, but tab, line feed
 * and carriage return are allowed.
 *
 * @public
 */
export const safeText = () => z.string().superRefine(refuseUnsafe(true));

const validators = makeValidator();

/**
 * The one form Greenlight stores and compares entity references in. Backstage compares
 * references case-insensitively, so the canonical form is the full `kind:namespace/name`,
 * with `component` and `default` filled in when left out, in lower case. Throws when the
 * text is not a valid entity reference.
 *
 * @public
 */
export function canonicalEntityRef(ref: string): string {
  const problem = unsafeCharacterIn(ref);
  if (problem) throw new TypeError(`Entity reference ${problem}`);
  const lower = (text: string) => text.toLocaleLowerCase('en-US');
  const given = parseEntityRef(ref.trim(), {
    defaultKind: 'component',
    defaultNamespace: 'default',
  });
  const parsed = {
    kind: lower(given.kind),
    namespace: lower(given.namespace),
    name: lower(given.name),
  };
  if (
    !validators.isValidKind(parsed.kind) ||
    !validators.isValidNamespace(parsed.namespace) ||
    !validators.isValidEntityName(parsed.name)
  ) {
    throw new TypeError(
      `"${ref}" is not a valid entity reference such as component:default/payments`,
    );
  }
  return stringifyEntityRef(parsed);
}

/**
 * An entity reference, validated and turned into its canonical form
 * ({@link canonicalEntityRef}); an invalid one is an issue at its own field.
 *
 * @public
 */
export const entityRefString = () =>
  z
    .string()
    .min(1)
    .max(255)
    .transform((ref, ctx) => {
      try {
        return canonicalEntityRef(ref);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });

/**
 * The canonical reference ({@link canonicalEntityRef}) of a catalog entity or a parsed
 * reference, for storing and comparing with what the ledger holds.
 *
 * @public
 */
export function canonicalRefOf(
  entity: Parameters<typeof stringifyEntityRef>[0],
): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}
