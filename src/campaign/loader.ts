/**
 * Reads a campaign file: text (YAML or JSON) -> data -> zod structure -> cross-field rules -> user data file ->
 * CampaignSpec. Every problem found ends in one CampaignValidationError listing all of them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CampaignValidationError, ROOT_PATH, type CampaignIssue } from '../input/errors';
import { normalizeCampaign } from './normalize';
import { checkCampaignRules } from './rules';
import { campaignFileSchema, type CampaignSpec, type ParsedCampaignFile } from './schema';
import { reservedReferenceProblem } from './env-references';
import { userDataProblem, utf8ByteLength } from './schema-image';
import { userDataRoomProblem } from './schema-completion';
import { quote } from '../input/quote';
import { readUserDataText, UserDataFileError } from './user-data-file';
import { toCampaignIssues } from '../input/zod-issues';

export { CampaignValidationError, type CampaignIssue } from '../input/errors';

/** Formats a campaign file can be written in. */
export const CampaignFormat = { Yaml: 'yaml', Json: 'json' } as const;
export type CampaignFormat = (typeof CampaignFormat)[keyof typeof CampaignFormat];

/** Where configDrive.userDataFile may be read from. */
export interface UserDataOptions {
  /** Directory that configDrive.userDataFile is relative to (the campaign file's); default: the working directory. */
  baseDir?: string;
  /** More folders user-data files may come from (REIMAGE_USER_DATA_DIRS); by default only baseDir. */
  userDataDirs?: readonly string[];
}

export interface ParseCampaignOptions extends UserDataOptions {
  format: CampaignFormat;
}

/** Aliases a YAML file may expand before it is refused (guards against "billion laughs" files). */
const MAX_YAML_ALIASES = 100;

function fail(message: string, at = ROOT_PATH): never {
  throw new CampaignValidationError([{ path: at, message }]);
}

function readText(text: string, format: CampaignFormat): unknown {
  if (format === CampaignFormat.Json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      return fail(`is not valid JSON: ${(error as Error).message}`);
    }
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first !== undefined) fail(`is not valid YAML: ${(first.message.split('\n')[0] as string).replace(/:$/, '')}`);
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown;
  } catch (error) {
    return fail(`is not valid YAML: ${(error as Error).message}`);
  }
}

function describeReadError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'the file does not exist';
  if (error.code === 'EISDIR') return 'it is a directory';
  if (error.code === 'EACCES') return 'permission denied';
  return error.message;
}

/** Content of configDrive.userDataFile (undefined when the file names none), checked like inline user data. */
function readUserDataFile(file: ParsedCampaignFile, options: UserDataOptions): string | undefined {
  const relative = file.configDrive?.userDataFile;
  if (relative === undefined) return undefined;
  const at = 'configDrive.userDataFile';
  let content: string;
  try {
    content = readUserDataText(relative, {
      baseDir: options.baseDir ?? process.cwd(),
      allowedDirs: options.userDataDirs,
    });
  } catch (error) {
    if (error instanceof UserDataFileError) fail(error.message, at);
    return fail(
      `cannot read ${quote(relative)} (relative to the campaign file): ${describeReadError(error as NodeJS.ErrnoException)}`,
      at,
    );
  }
  const problem = userDataProblem(content) ?? reservedReferenceProblem(content);
  return problem === undefined ? content : fail(`${quote(relative)} ${problem}`, at);
}

/**
 * Validates already-parsed campaign data (what a YAML or JSON document holds) and returns the normalized spec.
 * Throws CampaignValidationError, and nothing else, for every kind of invalid input.
 */
export function validateCampaignData(data: unknown, options: UserDataOptions = {}): CampaignSpec {
  if (data === null || data === undefined) fail('the campaign file is empty');
  const parsed = campaignFileSchema.safeParse(data);
  if (!parsed.success)
    throw new CampaignValidationError(toCampaignIssues(campaignFileSchema, parsed.error.issues, data));
  const issues: CampaignIssue[] = checkCampaignRules(parsed.data);
  if (issues.length > 0) throw new CampaignValidationError(issues);
  const userData = readUserDataFile(parsed.data, options);
  return withRoomForCallback(normalizeCampaign(parsed.data, userData), parsed.data);
}

/** The spec, once its user data leaves room for the phone_home part completion.callback adds. */
function withRoomForCallback(spec: CampaignSpec, file: ParsedCampaignFile): CampaignSpec {
  const userData = spec.configDrive?.userData;
  if (spec.completion === undefined || userData === undefined) return spec;
  const problem = userDataRoomProblem(utf8ByteLength(userData));
  if (problem === undefined) return spec;
  const at = file.configDrive?.userDataFile === undefined ? 'configDrive.userData' : 'configDrive.userDataFile';
  return fail(problem, at);
}

/** Parses campaign text (YAML or JSON) into a normalized spec; throws one CampaignValidationError listing every issue. */
export function parseCampaign(text: string, options: ParseCampaignOptions): CampaignSpec {
  return validateCampaignData(readText(text, options.format), options);
}

/**
 * Reads and validates a campaign file (.yaml, .yml or .json); user data files are read relative to it, from
 * its folder or one of `options.userDataDirs`.
 */
export async function loadCampaignFile(
  filePath: string,
  options: Pick<UserDataOptions, 'userDataDirs'> = {},
): Promise<CampaignSpec> {
  const extension = path.extname(filePath).toLowerCase();
  const format = extension === '.json' ? CampaignFormat.Json : CampaignFormat.Yaml;
  if (!['.json', '.yaml', '.yml'].includes(extension)) {
    fail(`cannot tell the format of ${quote(path.basename(filePath))}: name the file .yaml, .yml or .json`);
  }
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    return fail(
      `cannot read the campaign file ${quote(filePath)}: ${describeReadError(error as NodeJS.ErrnoException)}`,
    );
  }
  return parseCampaign(text, { ...options, format, baseDir: path.dirname(path.resolve(filePath)) });
}
