export * from './locked-default-security-group';
export * from './lock-default-security-groups';
