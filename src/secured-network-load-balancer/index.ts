export * from './secured-network-load-balancer';
