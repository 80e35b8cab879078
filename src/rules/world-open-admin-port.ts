import { RawFinding, RuleDefinition, allRules, groupLabel, ruleLabel } from './rule';
import { classifyWorldOpen, worldOpenUncertainty } from './world-open';

const NAMES: Record<number, string> = { 22: 'SSH', 23: 'Telnet', 3389: 'RDP', 5985: 'WinRM', 5986: 'WinRM over HTTPS', 5900: 'VNC' };

export const worldOpenAdminPort: RuleDefinition = {
  id: 'WorldOpenAdminPort',
  defaultLevel: 'error',
  title: '0.0.0.0/0 or ::/0 reaches a remote-administration port (SSH, RDP, Telnet, WinRM, VNC)',
  rationale: 'Remote-administration ports open to the internet are scanned within minutes and are the most common way into an instance. The check counts every protocol that carries the port (tcp, udp, all traffic, by name or number), every range that includes it, and prefix lists of the app that hold 0.0.0.0/0 or ::/0. A rule that also reaches data or other ports is reported under those rules too. A group carried only by load balancers is judged by their listener ports. One carried only by Lambda functions or interface endpoints is reported as a warning: what reaches them is not settled. Where the source, the ports or the listener ports are a parameter\'s default, the deployed value may differ: the finding says so and is a warning.',
  fix: 'Reach instances through SSM Session Manager or a bastion, or admit a named security group or a narrow corporate CIDR instead of the world.',
  example: 'sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22)); // flagged\nsg.addIngressRule(bastion, ec2.Port.tcp(22));               // fine',
  check(model, params) {
    const findings: RawFinding[] = [];
    for (const { group, rule } of allRules(model)) {
      const hit = classifyWorldOpen(model, group, rule, params).find(h => h.category === 'WorldOpenAdminPort');
      if (!hit) continue;
      const names = hit.ports.map(p => (NAMES[p] ? `${NAMES[p]} ${p}` : String(p))).join(', ');
      const scope = hit.scope ? `; ${hit.scope}` : '';
      const uncertain = worldOpenUncertainty(hit);
      findings.push({
        at: rule.origin,
        level: uncertain.level,
        message: `${groupLabel(model, group.key)} ${ruleLabel(model, rule)}, which reaches ${names}${scope}.${uncertain.text}`,
      });
    }
    return findings;
  },
};
