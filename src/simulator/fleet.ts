/**
 * The simulated fleet: generated from a seed, or loaded from a fleet file.
 *
 * Fleet file (JSON), validated with zod; every field but `name` has a default:
 * ```json
 * {
 *   "servers": [
 *     {
 *       "name": "ns3012345.ip-51-91-12.eu",       // service name
 *       "datacenter": "gra3",                      // dedicated.DatacenterEnum value
 *       "rack": "G112A05",
 *       "bootMode": "uefi",                        // uefi | legacy | uefi-legacy
 *       "memoryMb": 65536,
 *       "diskGroups": [{ "diskGroupId": 1, "diskType": "NVME", "diskSizeGb": 960, "numberOfDisks": 2,
 *                        "raidController": null }],
 *       "commercialRange": "ADVANCE-1",
 *       "os": "debian12_64",                       // OS installed at start
 *       "iamTags": { "env": "prod" },
 *       "faults": ["download_fail"],               // image faults hitting every install on this server
 *       "state": "ok",                             // ok | error | hacked | hackedBlocked
 *       "compatibleTemplates": ["debian12_64"],    // omit for the usual list (with byoi_64)
 *       "rescueBoot": true,                        // false: OVH offers no rescue boot
 *       "installPace": 1                           // 2: this server's installs last twice the drawn time
 *     }
 *   ]
 * }
 * ```
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { COMPATIBLE_TEMPLATES } from './catalog';
import { imageFaultSchema } from './faults';
import { Prng } from './prng';
import { loopbackAddress } from './ssh';

const diskGroupSchema = z
  .object({
    diskGroupId: z.number().int().positive(),
    diskType: z.string().min(1).default('SSD'),
    diskSizeGb: z.number().int().positive().default(480),
    numberOfDisks: z.number().int().positive().default(2),
    /** Model of the hardware RAID controller, or null (most servers have none). */
    raidController: z.string().nullable().default(null),
  })
  .strict();

export const fleetServerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'must be a service name like ns3012345.ip-51-91-12.eu'),
    datacenter: z.string().min(1).default('gra3'),
    rack: z.string().min(1).default('G101A01'),
    bootMode: z.enum(['uefi', 'legacy', 'uefi-legacy']).default('uefi'),
    memoryMb: z.number().int().positive().default(65536),
    diskGroups: z
      .array(diskGroupSchema)
      .min(1)
      .default([{ diskGroupId: 1 }]),
    commercialRange: z.string().min(1).default('ADVANCE-1'),
    os: z.string().min(1).default('debian12_64'),
    iamTags: z.record(z.string()).default({}),
    faults: z.array(imageFaultSchema).default([]),
    /** `dedicated.server.StateEnum` at start; anything but "ok" means OVH holds the server (e.g. hacked). */
    state: z.enum(['ok', 'error', 'hacked', 'hackedBlocked']).default('ok'),
    /** What `install/compatibleTemplates` lists; omitted, the usual list (with byoi_64 and byolinux_64). */
    compatibleTemplates: z.array(z.string().min(1)).optional(),
    /** false: OVH offers this server no rescue boot (`GET boot?bootType=rescue` answers []). */
    rescueBoot: z.boolean().default(true),
    /** This server's installs last that many times the drawn duration (slow disks write the image slower). */
    installPace: z.number().positive().max(10).default(1),
  })
  .strict();

const fleetFileSchema = z.object({ servers: z.array(fleetServerSchema).min(1) }).strict();

/** One server's fixed description (hardware, location, identity). */
export type ServerSpec = z.output<typeof fleetServerSchema> & { serverId: number; ip: string };

/** A fleet file that cannot be read or does not match the schema. */
export class FleetFileError extends Error {
  override name = 'FleetFileError';
}

const DATACENTERS = ['gra3', 'gra4', 'rbx8', 'sbg5', 'bhs6', 'waw1', 'lim3', 'eri1'] as const;
const RANGES = [
  { range: 'RISE-1', memoryMb: 32768, disks: [{ diskType: 'SSD', diskSizeGb: 512, numberOfDisks: 2 }] },
  { range: 'ADVANCE-1', memoryMb: 65536, disks: [{ diskType: 'NVME', diskSizeGb: 960, numberOfDisks: 2 }] },
  {
    range: 'SCALE-7',
    memoryMb: 262144,
    disks: [
      { diskType: 'SSD', diskSizeGb: 480, numberOfDisks: 2 },
      { diskType: 'NVME', diskSizeGb: 1920, numberOfDisks: 2 },
    ],
  },
  { range: 'STOR-1', memoryMb: 131072, disks: [{ diskType: 'HDD', diskSizeGb: 14000, numberOfDisks: 4 }] },
] as const;
const TAG_ENVS = ['prod', 'staging'] as const;
const TAG_ROLES = ['web', 'db', 'k8s'] as const;

/** The templates `install/compatibleTemplates` lists for a server. */
export function compatibleTemplatesOf(spec: ServerSpec): readonly string[] {
  return spec.compatibleTemplates ?? COMPATIBLE_TEMPLATES;
}

/** Numbers derived from the position and the seed, so a fleet file needs no server IDs or IPs (ssh.ts). */
function withIdentity(spec: z.output<typeof fleetServerSchema>, index: number, seed: string): ServerSpec {
  return { ...spec, serverId: 100_000 + index, ip: loopbackAddress(index, seed) };
}

/** Generates `count` servers from the seed: names, datacenters, racks, boot modes, disks, RAM, tags. */
export function generateFleet(count: number, seed: string): ServerSpec[] {
  const prng = new Prng(`fleet|${seed}`);
  const servers: ServerSpec[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const kind = prng.pick(RANGES);
    const datacenter = prng.pick(DATACENTERS);
    const a = prng.pick([51, 54, 57, 135, 141, 146]);
    const [b, c] = [prng.int(0, 255), prng.int(0, 255)];
    let name = `ns${prng.int(3_000_000, 3_999_999)}.ip-${a}-${b}-${c}.${datacenter.startsWith('bhs') ? 'net' : 'eu'}`;
    while (used.has(name)) name = `ns${prng.int(3_000_000, 3_999_999)}.ip-${a}-${b}-${c}.eu`;
    used.add(name);
    const raid = kind.range === 'STOR-1' ? 'LSI MegaRAID 9361-8i' : null;
    const spec = fleetServerSchema.parse({
      name,
      datacenter,
      rack: `${datacenter.slice(0, 1).toUpperCase()}${prng.int(101, 140)}A${String(prng.int(1, 40)).padStart(2, '0')}`,
      bootMode: prng.next() < 0.8 ? 'uefi' : 'legacy',
      memoryMb: kind.memoryMb,
      diskGroups: kind.disks.map((d, g) => ({ ...d, diskGroupId: g + 1, raidController: raid })),
      commercialRange: kind.range,
      iamTags: { env: prng.pick(TAG_ENVS), role: prng.pick(TAG_ROLES) },
    });
    // The draw stays so that every later name and fault is the one the seed always gave.
    prng.int(2, 250);
    servers.push({ ...spec, serverId: 100_000 + i, ip: loopbackAddress(i, seed) });
  }
  return servers;
}

/** Parses fleet file content (already JSON-decoded). */
export function parseFleet(content: unknown, source: string, seed: string): ServerSpec[] {
  const parsed = fleetFileSchema.safeParse(content);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'fleet'}: ${i.message}`);
    throw new FleetFileError(`The ${source} is not a valid fleet: ${issues.join('; ')}.`);
  }
  const names = new Set<string>();
  for (const server of parsed.data.servers) {
    if (names.has(server.name))
      throw new FleetFileError(`The ${source} lists server ${server.name} twice; keep one entry.`);
    names.add(server.name);
  }
  return parsed.data.servers.map((server, index) => withIdentity(server, index, seed));
}

/** Reads and validates a fleet file. */
export function loadFleetFile(filePath: string, seed: string): ServerSpec[] {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch (error) {
    throw new FleetFileError(`The fleet file ${filePath} cannot be read as JSON (${(error as Error).message}).`);
  }
  return parseFleet(content, `fleet file ${filePath}`, seed);
}
