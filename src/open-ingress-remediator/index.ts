export * from './open-ingress-remediator';
