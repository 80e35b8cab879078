/**
 * The commands that read or change a live account: audit, audit --interfaces, prune and restore. They carry
 * the AWS SDK, so the command bundles them as a file of their own that only these commands load.
 */
export { runAudit } from './run-audit';
export { runInterfaces } from './interfaces-command';
export { runPrune } from './prune';
export { runRestore } from './restore';
