/**
 * Well-known ASCII (or Latin) spellings of characters the label font does not draw: typographic
 * punctuation, arrows and comparisons, and the Greek and Cyrillic alphabets. Each value is text
 * the font draws; characters with a compatibility decomposition (`…`, `ﬁ`, `™`, full-width
 * letters) need no entry, `font-text.ts` decomposes them.
 */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '\u2018': "'", // ‘
  '\u2019': "'", // ’
  '\u201a': "'", // ‚
  '\u201b': "'", // ‛
  '\u2032': "'", // ′
  '\u02bc': "'", // ʼ (as in ŉ)
  '\u201c': '"', // “
  '\u201d': '"', // ”
  '\u201e': '"', // „
  '\u201f': '"', // ‟
  '\u2033': '"', // ″
  '\u2039': '<', // ‹
  '\u203a': '>', // ›
  '\u2010': '-', // hyphen
  '\u2012': '-', // figure dash
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2015': '-', // horizontal bar
  '\u2212': '-', // minus
  '\u2043': '-', // hyphen bullet
  '\u2026': '...', // …
  '\u2022': '*', // •
  '\u2044': '/', // fraction slash (in ½)
  '\u2215': '/', // division slash
  '\u02c6': '^', // ˆ
  '\u02dc': '~', // ˜
  '\u2190': '<-',
  '\u2192': '->',
  '\u2194': '<->',
  '\u21d0': '<=',
  '\u21d2': '=>',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u2248': '~',
  // Romanian writes a comma below where Turkish has a cedilla; the font draws the cedilla.
  '\u0218': 'Ş',
  '\u0219': 'ş',
  '\u021a': 'Ţ',
  '\u021b': 'ţ',
};

/** Lowercase letters and their spelling (ELOT 743 for Greek, a plain BGN-like one for Cyrillic). */
const GREEK = 'αa βv γg δd εe ζz ηi θth ιi κk λl μm νn ξx οo πp ρr σs ςs τt υy φf χch ψps ωo';
const CYRILLIC =
  'аa бb вv гg дd еe ёyo жzh зz иi йy кk лl мm нn оo пp рr сs тt уu фf хkh цts чch шsh щshch ъ ыy ' +
  "ь' эe юyu яya єye іi їyi ґg ўu";

/** The spelling of `char`, or undefined when it has none. */
export function transliterate(char: string): string | undefined {
  return TABLE.get(char);
}

const TABLE = new Map<string, string>(Object.entries(PUNCTUATION));
for (const pair of `${GREEK} ${CYRILLIC}`.split(' ')) {
  const [letter = '', ...spelling] = pair;
  const latin = spelling.join('');
  TABLE.set(letter, latin);
  // Σ is both σ and ς: the first wins, and both spell it S.
  const upper = letter.toUpperCase();
  if (!TABLE.has(upper)) TABLE.set(upper, latin.charAt(0).toUpperCase() + latin.slice(1));
}
