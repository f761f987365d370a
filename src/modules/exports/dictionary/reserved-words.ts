/**
 * Words a variable name must not be in R, SAS, SPSS or Stata (compared case-insensitively: SAS and
 * SPSS ignore case, and a name that differs from a reserved word only in case confuses readers of
 * R and Stata scripts too). Sources: R `?Reserved`; SAS automatic variables and the WHERE/
 * expression mnemonics; the SPSS Statistics "reserved keywords"; Stata `help reswords`.
 */
export const RESERVED_WORDS: Readonly<Record<'r' | 'sas' | 'spss' | 'stata', readonly string[]>> = {
  r: [
    'if',
    'else',
    'repeat',
    'while',
    'function',
    'for',
    'next',
    'break',
    'TRUE',
    'FALSE',
    'NULL',
    'Inf',
    'NaN',
    'NA',
    'NA_integer_',
    'NA_real_',
    'NA_character_',
    'NA_complex_',
    'in',
    // Not reserved, but masking them breaks scripts that use the shorthand.
    'T',
    'F',
  ],
  sas: [
    '_N_',
    '_ERROR_',
    '_NUMERIC_',
    '_CHARACTER_',
    '_ALL_',
    '_TEMPORARY_',
    '_NULL_',
    '_INFILE_',
    '_IORC_',
    '_CMD_',
    '_MSG_',
    '_FILE_',
    '_DATA_',
    '_LAST_',
    'AND',
    'OR',
    'NOT',
    'EQ',
    'NE',
    'GT',
    'LT',
    'GE',
    'LE',
    'IN',
    'MIN',
    'MAX',
  ],
  spss: ['ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH'],
  stata: [
    '_all',
    '_b',
    'byte',
    '_coef',
    '_cons',
    'double',
    'float',
    'if',
    'in',
    'int',
    'long',
    '_n',
    '_N',
    '_pi',
    '_pred',
    '_rc',
    '_se',
    '_skip',
    'str',
    'strL',
    'using',
    'with',
  ],
};

const ALL = new Set(
  Object.values(RESERVED_WORDS)
    .flat()
    .map((w) => w.toLowerCase()),
);

/** The longest name any of the four accepts (SAS and Stata: 32). */
export const MAX_NAME_LENGTH = 32;
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Why a name is not safe in all four languages, or null when it is. Besides the lists: Stata's
 * string types `str1`…`str2045`, and a trailing underscore (SPSS procedures append their own
 * suffixes after one, and the exports expand a multiple-choice variable `x` into `x_<code>`).
 */
export function unsafeNameReason(name: string): string | null {
  if (name.length > MAX_NAME_LENGTH) {
    return `longer than ${MAX_NAME_LENGTH} characters`;
  }
  if (!NAME_PATTERN.test(name)) {
    return 'not a letter followed by letters, digits and underscores';
  }
  if (ALL.has(name.toLowerCase())) {
    return 'a reserved word in R, SAS, SPSS or Stata';
  }
  if (/^str\d+$/i.test(name)) {
    return 'a Stata string type';
  }
  if (name.endsWith('_')) {
    return 'ends with an underscore';
  }
  return null;
}
