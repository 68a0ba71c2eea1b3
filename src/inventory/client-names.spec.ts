import { clientMatchKey } from './client-names';

describe(clientMatchKey.name, () => {
  it.each([
    ['Acme Dental', 'acme dental'],
    ['Acme Dental, Inc.', 'acme dental'],
    ['ACME DENTAL INC', 'acme dental'],
    ['Acme  Dental Ltd.', 'acme dental'],
    ['Müller & Söhne GmbH', 'muller and sohne'],
    ['Globex Corporation Co.', 'globex'],
    ['Inc.', ''],
    ['Acme Dental Group', 'acme dental group'],
  ])('%s → "%s"', (name, key) => {
    expect(clientMatchKey(name)).toBe(key);
  });
});
