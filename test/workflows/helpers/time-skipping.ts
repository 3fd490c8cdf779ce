/**
 * The Java time-skipping server knows no custom search attribute until one is registered; the dev server
 * gets them at start (src/temporal/dev-server.ts). Registering them here keeps the workflows unchanged.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../../src/shared/search-attributes';
import { startTimeSkippingServer } from '../../helpers/temporal';

/** Starts the time-skipping server with the project's search attributes registered. */
export async function startTimeSkippingWithAttributes(): Promise<TestWorkflowEnvironment> {
  const env = await startTimeSkippingServer();
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTES.map((attribute) => [attribute.name, keyword]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
  return env;
}
