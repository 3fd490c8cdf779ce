/**
 * checkEnvReferences: the plan resolves every `${VAR}` reference of the campaign on the worker, as each
 * step would later, and names every one it cannot resolve (field and variable, never a value), so that a
 * misspelled name stops the plan before the window instead of failing every server at its install. A
 * campaign with completion.callback needs the worker's REIMAGE_CALLBACK_SECRET the same way (checked by
 * presence only: the secret never leaves the worker).
 */
import { FailureType } from '../shared/failure-types';
import { listEnvReferences } from '../campaign/env-references';
import { HOOK_NAMES } from '../domain/hooks';
import { permanentFailure } from './failures';
import { MISSING_CALLBACK_SECRET } from './phone-home';
import { resolveSecret, type CampaignVariables } from './secrets';
import type { CheckEnvReferencesInput, EnvReferencesCheck } from './types';

type Field = [path: string, text: string | undefined];

function mapFields(path: string, record: Record<string, string> | undefined): Field[] {
  return Object.entries(record ?? {}).map(([key, text]) => [`${path}.${key}`, text]);
}

/** Every campaign field that may hold a reference, with its spec path. */
function referenceFields(input: CheckEnvReferencesInput): Field[] {
  const drive = input.configDrive;
  const hooks = HOOK_NAMES.map((name): Field => {
    const hook = input.hooks?.[name];
    return [`hooks.${name}.webhook.secret`, hook?.kind === 'webhook' ? hook.secret : undefined];
  });
  return [
    ...mapFields('image.httpHeaders', input.image.httpHeaders),
    ['configDrive.hostname', drive?.hostname],
    ['configDrive.sshKey', drive?.sshKey],
    ['configDrive.userData', drive?.userData],
    ...mapFields('configDrive.metadata', drive?.metadata),
    ...hooks,
    ...(input.notify ?? []).map((notify, i): Field => [`notify[${i}].webhook.secret`, notify.webhook.secret]),
  ];
}

/** Resolves each reference of `input`; collects the message of each one that fails, and whether one was refused. */
function resolveReferences(input: CheckEnvReferencesInput, vars: CampaignVariables) {
  const resolved: string[] = [];
  const problems: string[] = [];
  let refused = false;
  for (const [field, text] of referenceFields(input)) {
    if (text === undefined || listEnvReferences(text).length === 0) continue;
    try {
      resolveSecret(text, vars, field);
      resolved.push(...listEnvReferences(text));
    } catch (error) {
      refused ||= (error as { type?: string }).type === FailureType.NotAllowed;
      problems.push((error as Error).message);
    }
  }
  return { resolved, problems, refused };
}

/**
 * Resolves every reference of `input` from the variables the worker grants, and checks that the worker can
 * sign callback tokens when the campaign sets completion.callback; throws naming each problem: NotAllowed
 * when a reference reads a variable the worker never gives to campaigns, else ConfigurationError.
 */
export function checkEnvReferences(
  input: CheckEnvReferencesInput,
  vars: CampaignVariables,
  holdsCallbackSecret: boolean,
): EnvReferencesCheck {
  const { resolved, problems, refused } = resolveReferences(input, vars);
  const unsigned = input.completion !== undefined && !holdsCallbackSecret ? [MISSING_CALLBACK_SECRET] : [];
  if (problems.length > 0) {
    throw permanentFailure(
      refused ? FailureType.NotAllowed : FailureType.ConfigurationError,
      `The worker cannot resolve the campaign's environment references; nothing was started:\n${[...problems, ...unsigned].join('\n')}`,
    );
  }
  if (unsigned.length > 0) throw permanentFailure(FailureType.ConfigurationError, MISSING_CALLBACK_SECRET);
  return { references: [...new Set(resolved)] };
}
