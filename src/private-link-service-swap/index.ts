export * from './private-link-service-swap';
