export * from './options';
export * from './security-group-strategy-checks';
export * from './security-group-strategy-plugin';
export * from './finding-acknowledgements';
