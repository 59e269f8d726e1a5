/** The external-service plugin's public API: the fields of an `external_service` node. */
export * from './external-service-node.js';
