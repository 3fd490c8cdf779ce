/** The part of the legacy `ovh` 2.0.3 client (lib/ovh.es5.js) the simulator tests use; it ships no types. */
declare module 'ovh' {
  interface LegacyOvh {
    requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown>;
  }
  function createLegacyOvh(params: Record<string, unknown>): LegacyOvh;
  export = createLegacyOvh;
}
