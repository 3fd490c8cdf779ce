/**
 * Deployment routes: the OVH API routes that carry a deployment, and what a campaign may ask for.
 * Domain vocabulary: imports nothing, workflow-safe; types and zod enums derive from these lists.
 */

/** The OVH API routes that carry a deployment. `reinstall` is the current one; `bringYourOwnImage` is the
 * retired seed route, kept for endpoints that still serve it. */
export const DEPLOY_ROUTES = ['reinstall', 'bringYourOwnImage'] as const;
export type DeployRoute = (typeof DEPLOY_ROUTES)[number];

/** What a campaign asks for; `auto` is resolved once per server by `detectRoute`. */
export const ROUTE_CHOICES = [...DEPLOY_ROUTES, 'auto'] as const;
export type RouteChoice = (typeof ROUTE_CHOICES)[number];
