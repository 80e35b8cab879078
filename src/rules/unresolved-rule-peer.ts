import { RawFinding, RuleDefinition, refLabel } from './rule';

export const unresolvedRulePeer: RuleDefinition = {
  id: 'UnresolvedRulePeer',
  defaultLevel: 'info',
  title: 'A rule whose peer or ports cannot be known at synth',
  rationale: 'A rule whose source comes from an SSM parameter, a condition or a value computed at deploy time cannot be checked here. It is listed so that it is looked at by a person, never passed in silence.',
  fix: 'Check the deployed value, or pass a value known at synth (a parameter default, a security group construct).',
  example: "sg.addIngressRule(ec2.Peer.ipv4(Fn.importValue('OfficeCidr')), ec2.Port.tcp(22)); // listed when the export is not in the app",
  check(model) {
    return model.unresolved.filter(u => u.rule).map((u): RawFinding => ({ at: u.at, message: `${refLabel(u.at)}: ${u.what}.` }));
  },
};
