export * from './server-client-pair';
