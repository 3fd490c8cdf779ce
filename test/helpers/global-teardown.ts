/** Stops the dev server started by global-setup.ts. */
import type { RunningDevServer } from '../../src/temporal/dev-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__REIMAGE_DEV_SERVER__ as RunningDevServer | undefined;
  await server?.stop();
}
