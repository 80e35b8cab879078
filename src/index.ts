export * from './server-client-pair';
export * from './checks';
export * from './rules';
