import { envReferenceProblem, isWholeEnvReference, listEnvReferences } from '../../src/campaign/env-references';

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
