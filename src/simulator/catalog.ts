/**
 * Fixed facts of the simulated OVH platform: the OS catalog, the customizations each OS accepts, the
 * installer step lists, the netboot IDs, task enums, as docs/ovh-api.md describes them.
 */

/** Task statuses of `dedicated.server.task.StatusEnum`. */
export const TASK_STATUS = {
  cancelled: 'cancelled',
  customerError: 'customerError',
  doing: 'doing',
  done: 'done',
  init: 'init',
  ovhError: 'ovhError',
  todo: 'todo',
} as const;
export type TaskStatus = (typeof TASK_STATUS)[keyof typeof TASK_STATUS];

/** The task functions the simulator creates (a subset of `dedicated.TaskFunctionEnum`). */
export const TASK_FUNCTION = { reinstallServer: 'reinstallServer', hardReboot: 'hardReboot' } as const;
export type TaskFunction = (typeof TASK_FUNCTION)[keyof typeof TASK_FUNCTION];

/** Every value of `dedicated.TaskFunctionEnum` the task-list filter accepts (the ones we create, plus common others). */
export const KNOWN_TASK_FUNCTIONS: readonly string[] = [
  'reinstallServer',
  'hardReboot',
  'rebootPower',
  'changeRipeOrg',
  'applyBackupFtpAcls',
  'checkAndReleaseIp',
  'genericMoveFloatingIp',
];

/** Netboot IDs are global at OVH, so every simulated server shares them (values from ovhcloud-cli fixtures). */
export const BOOTS = [
  { bootId: 1, bootType: 'harddisk', kernel: 'hd', description: 'Boot to disk' },
  { bootId: 95083, bootType: 'power', kernel: 'poweroff', description: 'Power-off server' },
  {
    bootId: 230242,
    bootType: 'rescue',
    kernel: 'rescue12-customer',
    description: 'Customer rescue system (Debian-12-based)',
  },
] as const;
export type Boot = (typeof BOOTS)[number];
export const HARDDISK_BOOT_ID = 1;
export const RESCUE_BOOT_ID = 230242;

export const BYOI_OS = 'byoi_64';
export const BYOLINUX_OS = 'byolinux_64';

/** Templates `install/compatibleTemplates` lists for every simulated server. */
export const COMPATIBLE_TEMPLATES: readonly string[] = [
  'debian11_64',
  'debian12_64',
  'ubuntu2204-server_64',
  'ubuntu2404-server_64',
  'alma9_64',
  'rocky9_64',
  'win2022-std_64',
  BYOI_OS,
  BYOLINUX_OS,
];

/** In the catalog but compatible with no simulated server: the way to reach 409 OperatingSystemIncompatible. */
export const INCOMPATIBLE_TEMPLATES: readonly string[] = ['esxi80_64', 'proxmox-ve8_64'];

const IMAGE_CUSTOMIZATIONS = [
  'imageURL',
  'imageType',
  'imageCheckSum',
  'imageCheckSumType',
  'efiBootloaderPath',
  'httpHeaders',
  'configDriveUserData',
  'configDriveMetadata',
  'hostname',
  'sshKey',
] as const;
const CATALOG_CUSTOMIZATIONS = [
  'hostname',
  'sshKey',
  'postInstallationScript',
  'postInstallationScriptExtension',
  'language',
  'configDriveUserData',
  'configDriveMetadata',
  'enableLacpBonding',
] as const;

/** Customization keys each OS accepts; anything else is `Client::BadRequest::CustomizationName`. */
export function customizationsFor(os: string): readonly string[] {
  return os === BYOI_OS || os === BYOLINUX_OS ? IMAGE_CUSTOMIZATIONS : CATALOG_CUSTOMIZATIONS;
}

/** Customizations without which an image install is refused (docs: mandatory for byoi_64 and byolinux_64). */
export const MANDATORY_IMAGE_CUSTOMIZATIONS = ['imageURL', 'imageType', 'efiBootloaderPath'] as const;

export const IMAGE_TYPES = ['qcow2', 'raw'] as const;
export const CHECKSUM_TYPES = ['md5', 'sha1', 'sha256', 'sha512'] as const;

/** The assumed byoi_64 installer steps (docs/ovh-api.md §8.2); also used for catalog OSes. */
export const BYOI_STEPS: readonly string[] = [
  'Checking BIOS version',
  'Running Hardware Reboot',
  'Setting up hardware raid',
  'Preparing disks for new Partitioning',
  'Downloading OS image',
  'Deploying OS on disks',
  'Switching boot',
  'Running Last Hardware Reboot',
  'Sending end of installation mail',
];

/** Relative duration of each byoi step: the download and the disk write dominate. */
export const BYOI_STEP_WEIGHTS: readonly number[] = [1, 3, 1, 1, 4, 4, 0.5, 3, 0.5];

/** The observed BYOLinux step list (docs/ovh-api.md §8.2). */
export const BYOLINUX_STEPS: readonly string[] = [
  'Checking BIOS version',
  'Checking BIOS version',
  'Running Hardware Reboot',
  'Setting up hardware raid',
  'Preparing disks for new Partitioning',
  'Cleaning Partitioning',
  'Processing Partitioning',
  'Applying Partitioning',
  'Processing Post-installation configuration',
  'Pre-configuring Post-installation',
  'Downloading OS image',
  'Deploying OS on disks',
  'Checking Partitioning',
  'Running BYOLinux Configure',
  'Switching boot',
  'Running Last Hardware Reboot',
  'Sending end of installation mail',
];

/** Comment of the task `POST /reinstall` creates (docs example). */
export const REINSTALL_COMMENT = 'Start bare metal OS installation';
/** Comment of the task the legacy BYOI route creates (the 2024 guide's install task comment). */
export const LEGACY_INSTALL_COMMENT = 'Start dedicated server installation';
/** Invented: OVH's real reboot task comment is unknown. */
export const REBOOT_COMMENT = 'Reboot asked';
