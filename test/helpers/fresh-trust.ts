/**
 * Each test file starts with Node's own trust store (its bundled roots and NODE_EXTRA_CA_CERTS, the test CA).
 * A jest worker runs many files in one process, and https.globalAgent is process-wide: a file whose OVH
 * client trusted another CA (a second account's simulator, a stranger CA) leaves a secure context without
 * the test CA behind, which the next file's clients would inherit.
 */
import https from 'node:https';

https.globalAgent.options.secureContext = undefined;
