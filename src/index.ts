export * from './server-client-pair';
export * from './checks';
export * from './rules';
export * from './locked-default-security-group';
