/**
 * The real OVH clients (node-ovh, the legacy `ovh`) against a test simulator (see test/helpers/simulator.ts),
 * and what simulator tests assert on their answers.
 */
import createNodeOvh from '@ovhcloud/node-ovh';
import createLegacyOvh from 'ovh';
import type { Simulator } from '../../src/simulator';

/** What node-ovh's requestPromised rejects with. */
export interface OvhRejection {
  error: unknown;
  message: unknown;
}

export interface PromisedClient {
  requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** The official client in application-key mode. */
export function nodeOvh(sim: Simulator, overrides: Record<string, unknown> = {}): PromisedClient {
  const { appKey, appSecret, consumerKey } = sim.credentials;
  const params = {
    host: sim.host,
    port: sim.port,
    basePath: sim.basePath,
    appKey,
    appSecret,
    consumerKey,
    ...overrides,
  };
  return createNodeOvh(params) as unknown as PromisedClient;
}

/** The official client in OAuth2 client-credentials mode (token from `<url>/auth/oauth2/token`). */
export function nodeOvhOauth(sim: Simulator, overrides: Record<string, unknown> = {}): PromisedClient {
  const { clientId, clientSecret } = sim.credentials;
  const tokenURL = `https://${sim.host}:${sim.port}/auth/`;
  const params = {
    host: sim.host,
    port: sim.port,
    basePath: sim.basePath,
    clientID: clientId,
    clientSecret,
    tokenURL,
    ...overrides,
  };
  return createNodeOvh(params) as unknown as PromisedClient;
}

/** The legacy `ovh` 2.0.3 client (application keys only). */
export function legacyOvh(sim: Simulator): PromisedClient {
  const { appKey, appSecret, consumerKey } = sim.credentials;
  return createLegacyOvh({ host: sim.host, port: sim.port, basePath: sim.basePath, appKey, appSecret, consumerKey });
}

/** The rejection of a call that must fail. */
export async function rejectionOf(call: Promise<unknown>): Promise<OvhRejection> {
  try {
    await call;
  } catch (error) {
    return error as OvhRejection;
  }
  throw new Error('The call succeeded although it was expected to fail.');
}

/** A valid byoi_64 reinstall body. */
export function byoiReinstallBody(customizations: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    operatingSystem: 'byoi_64',
    customizations: {
      imageURL: 'https://images.example.com/debian-12.raw',
      imageType: 'raw',
      efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
      ...customizations,
    },
  };
}
