export * from './security-group-monitoring';
