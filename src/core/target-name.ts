/**
 * `--target-name` checked the way Python reads a name. A function of its own so that `{name}`
 * templates (issue 11) can be checked through it too.
 */
import { PRIVATE_PREFIX } from './preamble-source.js';
import { BUILTINS, KEYWORDS } from './python-names.js';

/** `str.isidentifier()`: a start character (or `_`) then continue characters, Unicode's XID classes. */
const IDENTIFIER = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

export type TargetNameCheck = { ok: true; name: string } | { ok: false; error: string };

/**
 * The name as Python binds it (NFKC-normalized, as the tokenizer does), or why it cannot be used:
 * not an identifier, a hard keyword (soft keywords such as `match` or `_` are names), a builtin it
 * would shadow, or a name the preamble binds (`reserved`: name -> the line that binds it).
 */
export function checkTargetName(raw: string, reserved: ReadonlyMap<string, string>): TargetNameCheck {
  if (!isIdentifier(raw)) return { ok: false, error: `--target-name must be a Python identifier (got "${raw}")` };
  const name = raw.normalize('NFKC');
  const shown = name === raw ? `"${raw}"` : `"${raw}" (Python reads it as "${name}")`;
  if (KEYWORDS.has(name)) return { ok: false, error: `--target-name cannot be ${shown}: it is a Python keyword` };
  const binder = reserved.get(name);
  if (binder) return { ok: false, error: `--target-name cannot be ${shown}: the KeyMapper preamble binds it (\`${binder}\`)` };
  if (name.startsWith(PRIVATE_PREFIX)) return { ok: false, error: `--target-name cannot be ${shown}: names starting with ${PRIVATE_PREFIX} are the preamble's` };
  if (BUILTINS.has(name)) return { ok: false, error: `--target-name cannot be ${shown}: it would shadow Python's builtin \`${name}\`` };
  return { ok: true, name };
}
