/** Legal forms that say nothing about which customer it is. Extend here. */
export const LEGAL_SUFFIXES = [
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'bv',
  'nv',
  'plc',
  'pty',
  'co',
  'corp',
  'corporation',
  'company',
  'kg',
  'oy',
  'ab',
  'srl',
  'spa',
  'lp',
  'llp',
];

const SUFFIX = new RegExp(`(?:(?:^| )(?:${LEGAL_SUFFIXES.join('|')}))+$`);

/** How a tool wrote the name, trimmed and lower-cased: the exact match. */
export const clientNameKey = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * What is left when case, accents, punctuation and legal suffixes are ignored:
 * "Acme Dental, Inc." and "ACME DENTAL" both give "acme dental". Empty when nothing is left
 * (a name made of a suffix only matches nothing).
 */
export function clientMatchKey(name: string): string {
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return plain.replace(SUFFIX, '').trim();
}
