/**
 * Planning an install: how long each phase takes (about 11 simulated minutes, ±20% per server) and, when
 * a fault hits, at which step it fails with which message (docs/ovh-api.md §8.3, §9 and §11.4).
 */
import { BYOI_STEP_WEIGHTS, BYOI_STEPS, BYOLINUX_OS, BYOLINUX_STEPS, TASK_STATUS, type TaskStatus } from './catalog';
import type { ImageFault } from './faults';
import type { ServerSpec } from './fleet';
import type { Deployment, ImageRequest, PlannedFailure } from './model';
import { hash32 } from './prng';

/** An install lasts about 11 minutes, as measured on a real ADVANCE-1 catalog reinstall. */
const BASE_INSTALL_MS = 11 * 60_000;
/** Share of the install spent with the task in `init`, before the installer runs. */
const INIT_SHARE = 0.08;

interface FaultEffect {
  step: string;
  status: TaskStatus;
  message: (image: ImageRequest, spec: ServerSpec) => string;
  legacy: (image: ImageRequest, spec: ServerSpec) => string;
}

const typeOf = (image: ImageRequest) => image.type ?? 'qcow2';
const diskBytes = (image: ImageRequest, spec: ServerSpec) => {
  const group = spec.diskGroups.find((g) => g.diskGroupId === image.diskGroupId) ?? spec.diskGroups[0];
  return (group?.diskSizeGb ?? 480) * 1_000_000_000;
};
const fakeDigest = (image: ImageRequest, salt: string) => {
  const length = image.checkSum?.length ?? 64;
  let out = '';
  for (let i = 0; out.length < length; i++)
    out += hash32(salt, image.url ?? '', i)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
};
const checksumText = (image: ImageRequest) =>
  `Bad ${image.checkSumType ?? 'sha256'} for downloaded file, got: ${fakeDigest(image, 'got')} while expecting ${image.checkSum ?? fakeDigest(image, 'want')}.`;
const otherFormat = (image: ImageRequest) => (typeOf(image) === 'qcow2' ? 'raw' : 'qcow2');

const EFFECTS: Partial<Record<ImageFault, FaultEffect>> = {
  download_fail: {
    step: 'Downloading OS image',
    status: TASK_STATUS.customerError,
    message: () => 'Could not download image: 404 Not Found',
    legacy: (image) => `Could not download image located: ${image.url ?? ''}.`,
  },
  checksum_mismatch: {
    step: 'Downloading OS image',
    status: TASK_STATUS.customerError,
    message: checksumText,
    legacy: checksumText,
  },
  format_mismatch: {
    step: 'Deploying OS on disks',
    status: TASK_STATUS.customerError,
    message: (image) =>
      `image provided format is ${otherFormat(image)} which does not match expected ${typeOf(image)} format`,
    legacy: () => 'Bad format image, expected: qcow2, raw.',
  },
  too_big_for_ram: {
    step: 'Downloading OS image',
    status: TASK_STATUS.customerError,
    message: (image) => `Could not download, ${typeOf(image)} image is too big to download in memory.`,
    legacy: (image) => `Could not download, ${typeOf(image)} image is too big to download in memory.`,
  },
  too_big_for_disk: {
    step: 'Deploying OS on disks',
    status: TASK_STATUS.customerError,
    message: (image, spec) =>
      `image provided has a size of ${diskBytes(image, spec) + 4_294_967_296} bytes which is larger than /dev/sda of ${diskBytes(image, spec)} bytes`,
    legacy: (image) => `Can't write ${typeOf(image)} on disk.`,
  },
  no_partition_table: {
    step: 'Deploying OS on disks',
    status: TASK_STATUS.customerError,
    message: () =>
      'image provided format is not of type raw because no partition table was found. It seems to contain: data',
    legacy: () => 'Can not move backup GPT data structures to the end of disk.',
  },
  write_fail: {
    step: 'Deploying OS on disks',
    status: TASK_STATUS.ovhError,
    message: (image) => `Can't write ${typeOf(image)} on disk`,
    legacy: (image) => `Can't write ${typeOf(image)} on disk.`,
  },
};

/** Step names and their durations for `totalMs` of installer time. */
function stepPlan(os: string, totalMs: number): { steps: readonly string[]; stepMs: number[] } {
  const steps = os === BYOLINUX_OS ? BYOLINUX_STEPS : BYOI_STEPS;
  const weights =
    os === BYOLINUX_OS
      ? steps.map((s) => (s.startsWith('Downloading') || s.startsWith('Deploying') ? 4 : 1))
      : BYOI_STEP_WEIGHTS;
  const sum = weights.reduce((a, b) => a + b, 0);
  return { steps, stepMs: weights.map((w) => Math.round((totalMs * w) / sum)) };
}

/** The failure a fault causes, placed halfway through its step. */
function planFailure(
  fault: ImageFault | undefined,
  plan: { initMs: number; steps: readonly string[]; stepMs: readonly number[] },
  image: ImageRequest,
  spec: ServerSpec,
): PlannedFailure | undefined {
  const effect = fault ? EFFECTS[fault] : undefined;
  if (!effect) return undefined;
  const stepIndex = Math.max(0, plan.steps.indexOf(effect.step));
  const before = plan.stepMs.slice(0, stepIndex).reduce((a, b) => a + b, 0);
  const atMs = plan.initMs + before + Math.round((plan.stepMs[stepIndex] ?? 0) / 2);
  return {
    stepIndex,
    atMs,
    message: effect.message(image, spec),
    legacyMessage: effect.legacy(image, spec),
    taskStatus: effect.status,
  };
}

/** Plans an install starting at `startSim` on a server with install-duration factor `jitter`. */
export function planDeployment(args: {
  route: Deployment['route'];
  os: string;
  startSim: number;
  jitter: number;
  fault: ImageFault | undefined;
  image: ImageRequest;
  spec: ServerSpec;
}): Deployment {
  const totalMs = BASE_INSTALL_MS * args.jitter;
  const initMs = Math.round(totalMs * INIT_SHARE);
  const { steps, stepMs } = stepPlan(args.os, totalMs - initMs);
  const failure = planFailure(args.fault, { initMs, steps, stepMs }, args.image, args.spec);
  return {
    route: args.route,
    os: args.os,
    startSim: args.startSim,
    initMs,
    steps,
    stepMs,
    fault: args.fault,
    failure,
    image: args.image,
    enteredInstaller: false,
    finished: false,
  };
}
