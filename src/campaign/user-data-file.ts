/**
 * Reading configDrive.userDataFile, whose content the campaign inlines into every server's config drive (and
 * so into Temporal history). A campaign file is untrusted input: the path must lead, after symbolic links,
 * inside the campaign file's folder or a folder the operator allows (REIMAGE_USER_DATA_DIRS); it must be a
 * regular file (never a device or a pipe, which can stream without end); and at most the 32 KiB limit plus
 * one byte is ever read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { USER_DATA_MAX_BYTES, userDataSizeProblem } from './schema-image';
import { quote } from '../input/quote';

/** A user-data file that cannot be used; the message says why and what to do. */
export class UserDataFileError extends Error {
  override name = 'UserDataFileError';
}

/** Where user-data files may be: the campaign file's folder, and the folders the operator adds. */
export interface UserDataRoots {
  baseDir: string;
  /** Folders REIMAGE_USER_DATA_DIRS lists. */
  allowedDirs?: readonly string[];
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The real path of `relative`, checked to lie inside one of `roots`' folders. */
function containedPath(relative: string, roots: UserDataRoots): string {
  const real = realpathSync(path.resolve(roots.baseDir, relative));
  const dirs = [roots.baseDir, ...(roots.allowedDirs ?? [])].map((dir) => realpathOr(dir));
  if (dirs.some((dir) => isInside(real, dir))) return real;
  throw new UserDataFileError(
    `${quote(relative)} is outside the campaign file's folder: keep user-data files next to the campaign, or have the operator add their folder to REIMAGE_USER_DATA_DIRS`,
  );
}

function realpathOr(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Reads at most `limit` bytes of the open file `fd`. */
function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit);
  let length = 0;
  while (length < limit) {
    const read = readSync(fd, buffer, length, limit - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/**
 * The content of user-data file `relative` (relative to `roots.baseDir`). Throws UserDataFileError when it
 * is outside the allowed folders, not a regular file or over the limit; fs errors (ENOENT...) pass through.
 */
export function readUserDataText(relative: string, roots: UserDataRoots): string {
  const file = containedPath(relative, roots);
  // O_NONBLOCK: opening a named pipe must not wait for a writer; the check below refuses it anyway.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stats.isFile()) {
      throw new UserDataFileError(`${quote(relative)} is not a regular file; give the path of a cloud-init file`);
    }
    const sizeProblem = userDataSizeProblem(stats.size);
    if (sizeProblem !== undefined) throw new UserDataFileError(`${quote(relative)} ${sizeProblem}`);
    const bytes = readAtMost(fd, USER_DATA_MAX_BYTES + 1);
    if (bytes.length > USER_DATA_MAX_BYTES) {
      const problem = userDataSizeProblem(bytes.length)?.replace(
        /^is \d+ bytes/,
        `is over ${USER_DATA_MAX_BYTES} bytes`,
      );
      throw new UserDataFileError(`${quote(relative)} ${problem}`);
    }
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
