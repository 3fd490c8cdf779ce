/** Which worker variables a campaign's ${NAME} references may read (src/campaign/variable-grant.ts). */
import { reservedReferenceProblem } from '../../src/campaign/env-references';
import { PREFIX_ONLY_GRANT, reservedVariableRule, variableRefusal } from '../../src/campaign/variable-grant';

const grant = { names: ['IMAGE_TOKEN'], withheld: ['EU_APP_SECRET'] };

describe('variableRefusal', () => {
  it('grants every REIMAGE_VAR_* variable and those REIMAGE_CAMPAIGN_VARS lists', () => {
    expect(variableRefusal('REIMAGE_VAR_IMAGE_TOKEN', PREFIX_ONLY_GRANT)).toBeUndefined();
    expect(variableRefusal('IMAGE_TOKEN', grant)).toBeUndefined();
  });

  it.each([
    ['OVH_APPLICATION_SECRET', "OVH_* variables are the worker's own configuration, never given to a campaign"],
    ['OVH_CONSUMER_KEY', "OVH_* variables are the worker's own configuration, never given to a campaign"],
    ['REIMAGE_CODEC_KEYS', "REIMAGE_* variables are the worker's own configuration, never given to a campaign"],
    ['TEMPORAL_API_KEY', "TEMPORAL_* variables are the worker's own configuration, never given to a campaign"],
    ['EU_APP_SECRET', "the accounts file's credential variables (REIMAGE_OVH_ACCOUNTS) are never given to a campaign"],
    ['HOME', 'the worker gives a campaign only REIMAGE_VAR_* variables and those REIMAGE_CAMPAIGN_VARS lists'],
  ])('refuses %s, naming the rule', (name, rule) => {
    expect(variableRefusal(name, grant)).toBe(rule);
  });

  it("refuses the worker's own configuration even when a grant lists it", () => {
    const listed = { names: ['OVH_APPLICATION_SECRET', 'EU_APP_SECRET'], withheld: ['EU_APP_SECRET'] };
    expect(variableRefusal('OVH_APPLICATION_SECRET', listed)).toMatch(/^OVH_\* variables/);
    expect(variableRefusal('EU_APP_SECRET', listed)).toMatch(/^the accounts file's credential variables/);
  });
});

describe('reservedVariableRule', () => {
  it('knows the reserved names by their prefix alone, REIMAGE_VAR_* excepted', () => {
    expect(reservedVariableRule('REIMAGE_VAR_TOKEN')).toBeUndefined();
    expect(reservedVariableRule('IMAGE_TOKEN')).toBeUndefined();
    expect(reservedVariableRule('REIMAGE_HOOK_HOSTS')).toBeDefined();
  });

  it('is what the campaign file check reports, naming the variable and the fix but no value', () => {
    expect(reservedReferenceProblem('Bearer ${OVH_CONSUMER_KEY}')).toBe(
      "refers to ${OVH_CONSUMER_KEY}: OVH_* variables are the worker's own configuration, never given to a campaign; set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that",
    );
    expect(reservedReferenceProblem('Bearer ${REIMAGE_VAR_TOKEN} ${HOME}')).toBeUndefined();
  });
});
