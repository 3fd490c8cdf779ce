/**
 * A misspelt `${NAME}` names the variable the campaign most likely meant, among those the worker grants and
 * has set; a variable it never gives a campaign is never offered.
 */
import { FailureType } from '../../src/shared/failure-types';
import { resolveSecret, type CampaignVariables } from '../../src/activities/secrets';

const GRANT_FIX =
  'set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that';

const vars: CampaignVariables = {
  env: {
    DEPLOY_SSH_KEY: 'ssh-ed25519 AAAA',
    REIMAGE_VAR_IMAGE_TOKEN: 'token',
    OVH_APPLICATION_SECRET: 'secret',
    EU_APP_SECRET: 'account-secret',
  },
  grant: { names: ['DEPLOY_SSH_KEY'], withheld: ['EU_APP_SECRET'] },
};

function failureOf(text: string): { type?: string; message: string } {
  try {
    resolveSecret(text, vars, 'configDrive.sshKey');
  } catch (error) {
    return { type: (error as { type?: string }).type, message: (error as Error).message };
  }
  throw new Error(`${text} resolved although it was expected to fail.`);
}

it('suggests the granted variable a refused reference misspells', () => {
  expect(failureOf('${DEPLOY_SSH_KYE}')).toEqual({
    type: FailureType.NotAllowed,
    message: `configDrive.sshKey refers to \${DEPLOY_SSH_KYE}, which this worker does not give to campaigns: the worker gives a campaign only REIMAGE_VAR_* variables and those REIMAGE_CAMPAIGN_VARS lists; did you mean \${DEPLOY_SSH_KEY}, which it grants? Otherwise ${GRANT_FIX}.`,
  });
});

it('suggests the set variable a granted but unset reference misspells', () => {
  expect(failureOf('Bearer ${REIMAGE_VAR_IMAGE_TOKN}')).toEqual({
    type: FailureType.ConfigurationError,
    message:
      "configDrive.sshKey references ${REIMAGE_VAR_IMAGE_TOKN}, which is not set in the worker's environment; did you mean ${REIMAGE_VAR_IMAGE_TOKEN}? Otherwise set REIMAGE_VAR_IMAGE_TOKN on every worker (or remove the reference).",
  });
});

it("never offers the worker's own configuration or an accounts file's credential variable", () => {
  expect(failureOf('${OVH_APPLICATION_SECRT}').message).toBe(
    `configDrive.sshKey refers to \${OVH_APPLICATION_SECRT}, which this worker does not give to campaigns: OVH_* variables are the worker's own configuration, never given to a campaign; ${GRANT_FIX}.`,
  );
  expect(failureOf('${EU_APP_SECRT}').message).toBe(
    `configDrive.sshKey refers to \${EU_APP_SECRT}, which this worker does not give to campaigns: the worker gives a campaign only REIMAGE_VAR_* variables and those REIMAGE_CAMPAIGN_VARS lists; ${GRANT_FIX}.`,
  );
});
