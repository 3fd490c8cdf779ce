import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('caches 250 workflow runs unless REIMAGE_MAX_CACHED_WORKFLOWS says otherwise', () => {
    expect(loadConfig({}).maxCachedWorkflows).toBe(250);
    expect(loadConfig({ REIMAGE_MAX_CACHED_WORKFLOWS: '120' }).maxCachedWorkflows).toBe(120);
  });

  it('names the variable and the fix when the cache size is not usable', () => {
    expect(() => loadConfig({ REIMAGE_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(
      new ConfigError(
        'The environment is not valid:\nREIMAGE_MAX_CACHED_WORKFLOWS: must be a whole number of workflows, e.g. 250',
      ),
    );
    expect(() => loadConfig({ REIMAGE_MAX_CACHED_WORKFLOWS: '5' })).toThrow(
      'REIMAGE_MAX_CACHED_WORKFLOWS: must be at least 10 (the campaign workflow must stay cached)',
    );
  });
});
