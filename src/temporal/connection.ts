/**
 * Temporal connections for the CLI and the worker, from @temporalio/envconfig (address, namespace, TLS,
 * API key: Temporal Cloud works unchanged), with the payload codec when REIMAGE_CODEC_KEYS is set.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { ClientConnectConfig } from '@temporalio/envconfig';
import type { ClientConfig } from '../config';
import { codecFromKeys } from './codec';

/** A Temporal server that could not be reached; the CLI maps it to its own exit code. */
class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/** The data converter every client and worker of a deployment must share. */
export function dataConverterFor(codecKeys: string | undefined): DataConverter | undefined {
  const codec = codecFromKeys(codecKeys);
  return codec ? { payloadCodecs: [codec] } : undefined;
}

/** A workflow client for the CLI (config: loadClientConfig's, from the entry point's environment). */
export async function connectClient(config: ClientConfig): Promise<Client> {
  const { connectionOptions, namespace } = config.connect;
  try {
    const connection = await Connection.connect({ ...connectionOptions, connectTimeout: 5000 });
    return new Client({ connection, namespace, dataConverter: dataConverterFor(config.codecKeys) });
  } catch (err) {
    throw new TemporalUnavailableError(
      `Temporal is not reachable at ${connectionOptions.address}: ${(err as Error).message}. ` +
        'Start one with "npm run temporal", or set TEMPORAL_ADDRESS (and TEMPORAL_API_KEY for Temporal Cloud).',
    );
  }
}

/** A native connection for the worker. */
export async function connectWorker(
  connect: ClientConnectConfig,
): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = connect;
  try {
    return { connection: await NativeConnection.connect(connectionOptions), namespace: namespace ?? 'default' };
  } catch (err) {
    throw new TemporalUnavailableError(
      `Temporal is not reachable at ${connectionOptions.address}: ${(err as Error).message}. ` +
        'Start one with "npm run temporal", or set TEMPORAL_ADDRESS (and TEMPORAL_API_KEY for Temporal Cloud).',
    );
  }
}
