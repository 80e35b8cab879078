export * from './reachability-policy';
