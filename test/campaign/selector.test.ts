import { globProblem, globToRegExp, matchesSelector } from '../../src/campaign/selector';

const server = { serviceName: 'ns3012345.ip-51-91-2.eu', datacenter: 'rbx8', iamTags: { role: 'web', env: 'prod' } };

describe('matchesSelector', () => {
  it('matches when every criterion given matches', () => {
    expect(
      matchesSelector(server, { datacenters: ['gra3', 'rbx8'], namePattern: 'ns30*.eu', iamTags: { role: 'web' } }),
    ).toBe(true);
  });

  it('compares datacenters case-insensitively and refuses servers without one', () => {
    expect(matchesSelector(server, { datacenters: ['RBX8'] })).toBe(true);
    expect(matchesSelector({ serviceName: server.serviceName }, { datacenters: ['rbx8'] })).toBe(false);
  });

  it('refuses a server when one criterion fails', () => {
    expect(matchesSelector(server, { datacenters: ['rbx8'], namePattern: 'ks*' })).toBe(false);
    expect(matchesSelector(server, { iamTags: { role: 'db' } })).toBe(false);
    expect(matchesSelector(server, { iamTags: { team: 'web' } })).toBe(false);
  });

  it('matches nothing with an empty selector', () => {
    expect(matchesSelector(server, {})).toBe(false);
  });
});

describe('globs', () => {
  it('match whole names with *, ?, classes and negated classes', () => {
    expect(globToRegExp('ns30?2345.*').test('ns3012345.ip-51-91-2.eu')).toBe(true);
    expect(globToRegExp('ns30[0-1]*').test('ns3012345.ip-51-91-2.eu')).toBe(true);
    expect(globToRegExp('ns30[!0-1]*').test('ns3012345.ip-51-91-2.eu')).toBe(false);
    expect(globToRegExp('ns30').test('ns3012345')).toBe(false);
  });

  it('treat dots and other regular-expression characters literally', () => {
    expect(globToRegExp('a.b+c').test('a.b+c')).toBe(true);
    expect(globToRegExp('a.b+c').test('axbbc')).toBe(false);
  });

  it('report an unclosed character class with its position', () => {
    expect(globProblem('ns30[12*')).toBe('has an unclosed "[" at position 5; close the character class with "]"');
    expect(globProblem('ns30[12]*')).toBeUndefined();
  });
});
