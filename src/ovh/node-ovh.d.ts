/** The part of `@ovhcloud/node-ovh` 3.0.0 (lib/ovh.es5.js) that src/ovh/client.ts uses; the package ships no types. */
declare module '@ovhcloud/node-ovh' {
  namespace createOvh {
    interface Ovh {
      /** OVH clock minus local clock in seconds; null until `GET /auth/time` answered (AK/AS/CK mode only). */
      apiTimeDiff: number | null;
      /** Set in OAuth2 mode. */
      oauthConfig?: unknown;
      /** Calls `callback(error, response)`; `error` is an HTTP status, a Node errno, a string or an object. */
      request(
        method: string,
        path: string,
        params: Record<string, unknown>,
        callback: (error: unknown, response: unknown) => void,
      ): Promise<void>;
    }
  }
  function createOvh(params: Record<string, unknown>): createOvh.Ovh;
  export = createOvh;
}
