export * from './rule-catalog';
