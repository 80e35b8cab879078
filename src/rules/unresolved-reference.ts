import { RawFinding, RuleDefinition, refLabel } from './rule';
import { UNREADABLE_TYPE } from '../model/build-model';

export const unresolvedReference: RuleDefinition = {
  id: 'UnresolvedReference',
  defaultLevel: 'info',
  title: 'A security-group reference outside a rule (an attachment) that cannot be known at synth, or a resource the engine could not read',
  rationale: 'The engine never guesses: whatever it cannot follow is reported, so that nothing is treated as compliant by accident. A resource it could not read at all is a warning.',
  fix: 'Check the deployed value, or reference the group through a construct in the app.',
  example: "new ec2.CfnInstance(this, 'I', { securityGroupIds: [Fn.importValue('FromAnotherApp')] }); // listed",
  check(model) {
    return model.unresolved.filter(u => !u.rule).map((u): RawFinding => ({
      at: u.at,
      message: `${refLabel(u.at)}: ${u.what}.`,
      // Nothing in a template or resource that could not be read was checked: that is a warning, as the rationale says.
      level: u.at.type === UNREADABLE_TYPE || u.what.startsWith('could not be analysed') ? 'warning' : undefined,
    }));
  },
};
