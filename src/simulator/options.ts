/**
 * `createSimulator` options, validated with zod. Defaults suit the demo: 50 servers, one simulated
 * minute per real second, the retired seed route off (404, as production answers it), no faults, no rate limit.
 */
import { z } from 'zod';

export const simulatorOptionsSchema = z
  .object({
    /** TCP port; 0 picks a free one. */
    port: z.number().int().min(0).max(65535).default(0),
    /** The port every server's SSH answers on, at its loopback address (ssh.ts); 0 picks a free one. */
    sshPort: z.number().int().min(0).max(65535).default(0),
    /** Interface to bind; loopback by default. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Host name clients sign with (node-ovh signs `https://<host><path>` without the port). */
    canonicalHost: z.string().min(1).default('localhost'),
    /** Seed of every random choice (fleet, jitter, fault rates, credentials). */
    seed: z.union([z.string(), z.number()]).default(1).transform(String),
    /** Simulated seconds per real second: 60 makes an 11-minute install take 11 s. */
    speed: z.number().positive().default(60),
    /** How many servers to generate (ignored when `fleet` is given). */
    servers: z.number().int().min(1).max(100_000).default(50),
    /** A fleet file path, or its parsed content (see fleet.ts). */
    fleet: z.union([z.string().min(1), z.record(z.unknown())]).optional(),
    /** A fault spec string (grammar in faults.ts) or a structured fault configuration. */
    faults: z.union([z.string(), z.record(z.unknown())]).optional(),
    /** Serve the retired `/bringYourOwnImage` route; off by default, answering 404 as production does today. */
    legacyByoi: z.boolean().default(false),
    /** The fleet's consumer key is granted `GET /*` only (a common first key), to rehearse OVH's 403
     * NOT_GRANTED_CALL on every write. */
    readOnlyKey: z.boolean().default(false),
    /** IAM actions the OAuth2 client's policy grants; `*` grants every action. Default: every action. */
    iamActions: z.array(z.string().min(1)).default(['*']),
    /** Per consumer key request limit, answered with 429 and Retry-After; off when absent. */
    rateLimit: z
      .object({ requests: z.number().int().positive(), perMs: z.number().int().positive() })
      .strict()
      .optional(),
    /** Largest accepted |client timestamp - API time|, in seconds. */
    maxSkewSeconds: z.number().int().min(0).default(300),
    /** Added to the API clock (`GET /auth/time`), to rehearse clock drift. */
    clockOffsetSeconds: z.number().int().default(0),
    /** Directory of the CA (ca.pem, ca-key.pem), reused or created; a temporary directory when absent. */
    caDir: z.string().min(1).optional(),
    /** Largest accepted request body; larger ones get 413. */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /**
     * Receives one line per answered request (the CLI prints them on stderr); bodies are never included.
     * Checked as a function and passed through untouched: z.function() would wrap it and reject what it
     * returns (process.stderr.write returns a boolean).
     */
    log: z
      .custom<(line: string) => void>((value) => typeof value === 'function', { message: 'Expected a function' })
      .optional(),
  })
  .strict();

export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
export type ResolvedOptions = z.output<typeof simulatorOptionsSchema>;

/** Options that do not validate; the message names each bad option. */
export class SimulatorOptionsError extends Error {
  override name = 'SimulatorOptionsError';
}

/** Validates options and fills defaults. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const parsed = simulatorOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
  throw new SimulatorOptionsError(`The simulator options are not valid: ${issues.join('; ')}.`);
}
