import { byoiBody } from '../../src/ovh/routes/bring-your-own-image';
import { currentStep, reinstallBody } from '../../src/ovh/routes/reinstall';
import type { DeployRequest } from '../../src/ovh/routes';

const full: DeployRequest = {
  serviceName: 'ns1.ip-1-2-3.eu',
  image: {
    url: 'https://images.example/debian.raw',
    type: 'raw',
    checksum: { type: 'sha512', value: 'abc' },
    httpHeaders: { Authorization: 'Basic dXNlcjpwYXNz' },
    efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
    description: 'Debian 12',
  },
  configDrive: {
    hostname: 'web-1',
    sshKey: 'ssh-ed25519 AAAA',
    userData: 'I2Nsb3VkLWNvbmZpZw==',
    metadata: { role: 'web' },
  },
  diskGroupId: 2,
};

describe('reinstallBody', () => {
  it('sends byoi_64 with every documented customization and the disk group as storage', () => {
    expect(reinstallBody(full)).toEqual({
      operatingSystem: 'byoi_64',
      customizations: {
        imageURL: 'https://images.example/debian.raw',
        imageType: 'raw',
        imageCheckSum: 'abc',
        imageCheckSumType: 'sha512',
        httpHeaders: { Authorization: 'Basic dXNlcjpwYXNz' },
        efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
        hostname: 'web-1',
        sshKey: 'ssh-ed25519 AAAA',
        configDriveUserData: 'I2Nsb3VkLWNvbmZpZw==',
        configDriveMetadata: { role: 'web' },
      },
      storage: [{ diskGroupId: 2 }],
    });
  });

  it('omits every field that is not set, including storage', () => {
    expect(
      reinstallBody({
        serviceName: 'ns1',
        image: { url: 'https://i/x.qcow2', type: 'qcow2', efiBootloaderPath: '\\e' },
      }),
    ).toEqual({
      operatingSystem: 'byoi_64',
      customizations: { imageURL: 'https://i/x.qcow2', imageType: 'qcow2', efiBootloaderPath: '\\e' },
    });
  });
});

describe('byoiBody', () => {
  it('sends the flat legacy body with key/value lists and an enabled config drive', () => {
    expect(byoiBody(full)).toEqual({
      URL: 'https://images.example/debian.raw',
      type: 'raw',
      checkSum: 'abc',
      checkSumType: 'sha512',
      description: 'Debian 12',
      diskGroupId: 2,
      httpHeader: [{ key: 'Authorization', value: 'Basic dXNlcjpwYXNz' }],
      configdrive: {
        enable: true,
        hostname: 'web-1',
        sshKey: 'ssh-ed25519 AAAA',
        userData: 'I2Nsb3VkLWNvbmZpZw==',
        userMetadatas: [{ key: 'role', value: 'web' }],
      },
    });
  });

  it('sends no config drive and no EFI path (the legacy route has no such field)', () => {
    expect(
      byoiBody({ serviceName: 'ns1', image: { url: 'https://i/x.raw', type: 'raw', efiBootloaderPath: '\\e' } }),
    ).toEqual({
      URL: 'https://i/x.raw',
      type: 'raw',
    });
  });
});

describe('currentStep', () => {
  const steps = (statuses: string[]) => ({
    elapsedTime: 10,
    progress: statuses.map((status, index) => ({
      comment: `step ${index + 1}`,
      status,
      error: status === 'error' ? 'Could not download image: 404' : '',
    })),
  });

  it('names the running step as i of N', () => {
    expect(currentStep(steps(['done', 'doing', 'todo']))).toEqual({
      step: { index: 2, total: 3, name: 'step 2' },
      error: undefined,
    });
  });

  it('names the failed step and its error', () => {
    expect(currentStep(steps(['done', 'error', 'todo']))).toEqual({
      step: { index: 2, total: 3, name: 'step 2' },
      error: 'Could not download image: 404',
    });
  });

  it('reports nothing when no installation runs', () => {
    expect(currentStep(null)).toEqual({});
  });
});
