export * from './server-client-pair';
export * from './checks';
export * from './rules';
export * from './locked-default-security-group';
export * from './open-ingress-remediator';
export * from './security-group-monitoring';
export * from './secured-network-load-balancer';
export * from './private-link-service-swap';
