import {
  envReferenceProblem,
  isWholeEnvReference,
  listEnvReferences,
  MissingEnvVariableError,
  resolveEnvReferences,
} from '../../src/campaign/env-references';

describe('resolveEnvReferences', () => {
  it('replaces every ${NAME} with the variable from the environment', () => {
    expect(resolveEnvReferences('Bearer ${IMAGE_TOKEN}', { IMAGE_TOKEN: 's3cr3t' })).toBe('Bearer s3cr3t');
    expect(resolveEnvReferences('${A}:${B}:${A}', { A: '1', B: '' })).toBe('1::1');
    expect(resolveEnvReferences('no references', {})).toBe('no references');
  });

  it('throws MissingEnvVariableError naming the variable and the campaign field', () => {
    let caught: unknown;
    try {
      resolveEnvReferences('Bearer ${IMAGE_TOKEN}', { OTHER: 'x' }, 'image.httpHeaders.Authorization');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingEnvVariableError);
    expect((caught as MissingEnvVariableError).variable).toBe('IMAGE_TOKEN');
    expect((caught as Error).message).toBe(
      'The environment variable IMAGE_TOKEN is not set on this worker, but the campaign field ' +
        "image.httpHeaders.Authorization refers to it as ${IMAGE_TOKEN}. Set IMAGE_TOKEN in the worker's environment and retry.",
    );
  });
});

describe('reference helpers', () => {
  it('list the variables a value refers to, once each', () => {
    expect(listEnvReferences('${A} and ${B_2} and ${A}')).toEqual(['A', 'B_2']);
  });

  it('recognise a value that is one whole reference', () => {
    expect(isWholeEnvReference('${USER_DATA}')).toBe(true);
    expect(isWholeEnvReference('echo ${HOME}')).toBe(false);
  });

  it('report a malformed reference', () => {
    expect(envReferenceProblem('Bearer ${IMAGE-TOKEN}')).toBe(
      'has a malformed environment reference; write ${NAME} with letters, digits and underscores, e.g. ${IMAGE_TOKEN}',
    );
    expect(envReferenceProblem('Bearer ${IMAGE_TOKEN}')).toBeUndefined();
  });
});
