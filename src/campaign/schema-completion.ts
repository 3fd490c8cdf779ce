/**
 * `completion` of the campaign file: the callback URL each reimaged server POSTs to once its new OS booted
 * (cloud-init's phone_home), and how much room that leaves for the campaign's own user data. Workflow-safe.
 */
import { z } from 'zod';
import { httpsUrlProblem } from './hook-hosts';
import { check } from '../input/fields';
import { USER_DATA_MAX_BYTES } from './schema-image';

/** Bytes of user data the phone_home part and its MIME framing may take (URL and token included). */
const PHONE_HOME_RESERVE_BYTES = 1024;
/** Longest callback URL accepted: the token and the server's path segments are appended to it. */
const CALLBACK_URL_MAX = 300;

/** What is wrong with a callback URL, or undefined: https (http only to loopback), no credentials, no query. */
function callbackUrlProblem(text: string): string | undefined {
  // The fleet's POST carries no secret of its own: the token appended to each server's path authenticates it.
  if (URL.canParse(text) && (new URL(text).username !== '' || new URL(text).password !== '')) {
    return "must not carry a user name or password: the one-time token reimage appends to each server's callback path authenticates it";
  }
  const problem = httpsUrlProblem(text, 'https://reimage.example.com/phone-home');
  if (problem !== undefined) return problem;
  const url = new URL(text);
  if (url.search !== '' || url.hash !== '') {
    return "must not carry a query string or a fragment: each server's path and token are appended to the URL's path";
  }
  if (text.length > CALLBACK_URL_MAX) return `must be at most ${CALLBACK_URL_MAX} characters long (got ${text.length})`;
  return undefined;
}

/** What is wrong with user data of `bytes` bytes next to the phone_home part, or undefined. */
export function userDataRoomProblem(bytes: number): string | undefined {
  const room = USER_DATA_MAX_BYTES - PHONE_HOME_RESERVE_BYTES;
  if (bytes <= room) return undefined;
  return `is ${bytes} bytes; with completion.callback set, user data is capped at ${room} bytes (32 KiB less ${PHONE_HOME_RESERVE_BYTES} for the phone_home part): make it smaller or drop completion.callback`;
}

export const completionSchema = z
  .object({
    callback: z
      .string()
      .superRefine(check(callbackUrlProblem))
      .describe(
        'The public https URL at which the fleet reaches `reimage callback-server`, e.g. "https://reimage.example.com/phone-home"; each server POSTs to it (with its own one-time token) once its new OS booted. http only to loopback addresses (rehearsals).',
      ),
    tries: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe("How many times cloud-init's phone_home module tries the POST (its `tries`)."),
  })
  .strict()
  .describe(
    "How a server tells that its new OS is up: cloud-init's phone_home calls back, so the install's end is known without polling OVH for it (OVH's task is still read once to confirm). Images without cloud-init never call back: polling finds their end as without it.",
  );
